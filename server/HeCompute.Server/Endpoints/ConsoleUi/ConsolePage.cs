using System.Globalization;
using System.Security.Claims;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HeCompute.Server.Endpoints.ConsoleUi;

/// <summary>What every console page shares: the caller's tenant (from the session, as the API takes it from the key) and number formats.</summary>
public abstract class ConsolePage : PageModel
{
    /// <summary>The signed-in user's tenant.</summary>
    public string TenantId => User.GetTenantId();

    /// <summary>Whether the user may read the audit log (the API's auditor policy: an auditor, or a global admin).</summary>
    public static bool MayAudit(ClaimsPrincipal user) =>
        user is not null && (user.IsInRole(Roles.Auditor) || user.IsGlobalAdmin());

    /// <summary>The audit scope the API's <c>/v1/audit</c> uses without a tenant_id: every tenant for a global admin, else the own tenant.</summary>
    public static (string? TenantId, bool All) AuditScope(ClaimsPrincipal user) =>
        user.IsGlobalAdmin() ? (null, true) : (user.GetTenantId(), false);

    /// <summary>An integer as the console prints it (thousands separated, invariant).</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A timestamp as the console prints it (UTC, to the second).</summary>
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";
}
