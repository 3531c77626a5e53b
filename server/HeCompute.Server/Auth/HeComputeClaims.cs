using System.Security.Claims;
using HeCompute.Contracts;

namespace HeCompute.Server.Auth;

/// <summary>Claim types the API key handler issues, and accessors for the caller's scope.</summary>
public static class HeComputeClaims
{
    /// <summary>The caller's tenant.</summary>
    public const string TenantId = "hecompute:tenant";

    /// <summary>The API key used.</summary>
    public const string KeyId = "hecompute:key";

    /// <summary>The caller's tenant id (every authenticated request has one).</summary>
    public static string GetTenantId(this ClaimsPrincipal user) =>
        (user ?? throw new ArgumentNullException(nameof(user))).FindFirstValue(TenantId)
        ?? throw new InvalidOperationException("The request is not authenticated with an API key.");

    /// <summary>The caller's key id, or null when not authenticated.</summary>
    public static string? GetKeyId(this ClaimsPrincipal user) => user?.FindFirstValue(KeyId);

    /// <summary>The caller's tenant id, or null when not authenticated.</summary>
    public static string? FindTenantId(this ClaimsPrincipal user) => user?.FindFirstValue(TenantId);

    /// <summary>
    /// Whether the caller is a global administrator: the <c>admin</c> role on a key of the system tenant. An
    /// <c>admin</c> role on any other tenant's key (which the server no longer creates, but an old database may hold)
    /// grants nothing, so it can never act as a superuser over other tenants.
    /// </summary>
    public static bool IsGlobalAdmin(this ClaimsPrincipal user) =>
        user is not null
        && user.IsInRole(Roles.Admin)
        && string.Equals(user.FindFirstValue(TenantId), BootstrapAdmin.SystemTenantId, StringComparison.Ordinal);

    /// <summary>
    /// Whether the caller may manage <paramref name="tenantId"/>'s keys and erase its data: a global admin for every
    /// tenant, a <c>tenant-admin</c> for its own tenant unless that is the system tenant (whose keys are the global
    /// admins', so only they manage them).
    /// </summary>
    public static bool OwnsTenant(this ClaimsPrincipal user, string tenantId) =>
        user is not null
        && (user.IsGlobalAdmin()
            || (user.IsInRole(Roles.TenantAdmin)
                && !string.Equals(tenantId, BootstrapAdmin.SystemTenantId, StringComparison.Ordinal)
                && string.Equals(user.FindFirstValue(TenantId), tenantId, StringComparison.Ordinal)));
}
