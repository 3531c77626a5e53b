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

    /// <summary>
    /// The global administrator: manages tenants and every tenant's API keys, reads every tenant's audit log. Only keys
    /// of the system tenant may carry it; the server refuses to create it elsewhere and ignores it elsewhere.
    /// </summary>
    public const string Admin = "admin";

    /// <summary>
    /// A tenant's owner: manages its own tenant's API keys (never the <see cref="Admin"/> role) and may erase its
    /// tenant's data.
    /// </summary>
    public const string TenantAdmin = "tenant-admin";

    /// <summary>Every role, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Hospital, ModelAdmin, Auditor, TenantAdmin, Admin];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
