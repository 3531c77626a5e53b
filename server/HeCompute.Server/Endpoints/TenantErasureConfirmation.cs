using HeCompute.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// The explicit confirmation both erasure endpoints require: <c>?confirm=</c> must name the tenant being erased, so
/// a stray <c>DELETE</c> (a script with the wrong key, a retried request to the wrong path) erases nothing.
/// </summary>
internal static class TenantErasureConfirmation
{
    /// <summary>The query parameter.</summary>
    public const string Parameter = "confirm";

    /// <summary>Null when <paramref name="confirm"/> names <paramref name="tenantId"/>; otherwise the 400 to answer.</summary>
    public static ValidationProblem? Check(string tenantId, string? confirm) =>
        string.Equals(confirm, tenantId, StringComparison.Ordinal)
            ? null
            : Problems.Validation(Parameter, $"Erasure is irreversible: confirm it with ?{Parameter}= set to the id of the tenant being erased.");
}
