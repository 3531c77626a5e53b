using System.Security.Claims;

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
}
