namespace HeCompute.Contracts;

/// <summary>The roles an API key can carry.</summary>
public static class Roles
{
    /// <summary>A hospital: its own key sets, datasets, predictions, statistics and jobs.</summary>
    public const string Hospital = "hospital";

    /// <summary>Registers models.</summary>
    public const string ModelAdmin = "model-admin";

    /// <summary>Reads its tenant's audit log.</summary>
    public const string Auditor = "auditor";

    /// <summary>Manages tenants and API keys; reads every tenant's audit log.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Hospital, ModelAdmin, Auditor, Admin];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
