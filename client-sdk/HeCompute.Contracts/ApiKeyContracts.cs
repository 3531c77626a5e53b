namespace HeCompute.Contracts;

/// <summary>Body of <c>POST /v1/admin/tenants/{tenantId}/keys</c>.</summary>
/// <param name="Name">What the key is for (1–200 characters).</param>
/// <param name="Roles">One or more of <see cref="HeCompute.Contracts.Roles.All"/>.</param>
/// <param name="ExpiresAt">When the key stops authenticating: in the future and at most <see cref="MaxLifetimeDays"/> days away; null for no expiry.</param>
public sealed record CreateApiKeyRequest(string Name, IReadOnlyList<string> Roles, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>The longest lifetime a key may be given at creation (two years).</summary>
    public const int MaxLifetimeDays = 730;
}

/// <summary>
/// An API key's metadata; the secret is never stored and never shown again. <see cref="PreviousSecretExpiresAt"/> is set
/// while a rotation's replaced secret still authenticates.
/// </summary>
public sealed record ApiKeyResponse(
    string Id,
    string TenantId,
    string Name,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? ExpiresAt = null,
    DateTimeOffset? PreviousSecretExpiresAt = null);

/// <summary>Limits of <c>POST /v1/admin/keys/{keyId}/rotate?overlap_seconds=</c>.</summary>
public static class ApiKeyRotation
{
    /// <summary>How long the replaced secret keeps working when no overlap is given (24 hours).</summary>
    public const int DefaultOverlapSeconds = 86_400;

    /// <summary>The longest overlap (seven days); 0 ends the old secret at once.</summary>
    public const int MaxOverlapSeconds = 604_800;
}

/// <summary>A newly created key: <see cref="Secret"/> is shown this once. Send it as <c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Secret);

/// <summary>The caller's own identity (<c>GET /v1/me</c>).</summary>
public sealed record WhoAmIResponse(string TenantId, string KeyId, IReadOnlyList<string> Roles);
