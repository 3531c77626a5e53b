using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>Tenants and API keys (role <c>admin</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>Creates a tenant (<c>POST /v1/admin/tenants</c>).</summary>
    public Task<TenantResponse> CreateTenantAsync(string name, CancellationToken cancellationToken = default) =>
        PostJsonAsync<CreateTenantRequest, TenantResponse>("v1/admin/tenants", new CreateTenantRequest(name), cancellationToken);

    /// <summary>Lists tenants (<c>GET /v1/admin/tenants</c>).</summary>
    public Task<IReadOnlyList<TenantResponse>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<IReadOnlyList<TenantResponse>>("v1/admin/tenants", cancellationToken);

    /// <summary>Creates an API key for a tenant; its secret is in the answer, once (<c>POST /v1/admin/tenants/{id}/keys</c>).</summary>
    public Task<CreatedApiKeyResponse> CreateApiKeyAsync(string tenantId, CreateApiKeyRequest request, CancellationToken cancellationToken = default) =>
        PostJsonAsync<CreateApiKeyRequest, CreatedApiKeyResponse>($"v1/admin/tenants/{Escape(tenantId)}/keys", request, cancellationToken);

    /// <summary>Lists a tenant's API keys, without secrets.</summary>
    public Task<IReadOnlyList<ApiKeyResponse>> ListApiKeysAsync(string tenantId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<IReadOnlyList<ApiKeyResponse>>($"v1/admin/tenants/{Escape(tenantId)}/keys", cancellationToken);

    /// <summary>Revokes an API key, effective immediately.</summary>
    public async Task<ApiKeyResponse> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/admin/keys/{Escape(keyId)}/revoke");
        return await SendForJsonAsync<ApiKeyResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives an API key a new secret (returned once) with the same id and roles; the old secret keeps working for
    /// <paramref name="overlapSeconds"/> (null: the server's default of 24 hours; 0: not at all).
    /// </summary>
    public async Task<CreatedApiKeyResponse> RotateApiKeyAsync(string keyId, int? overlapSeconds = null, CancellationToken cancellationToken = default)
    {
        var query = overlapSeconds is { } overlap ? FormattableString.Invariant($"?overlap_seconds={overlap}") : "";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/admin/keys/{Escape(keyId)}/rotate{query}");
        return await SendForJsonAsync<CreatedApiKeyResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a rotation's overlap at once: the key's previous secret stops working.</summary>
    public async Task<ApiKeyResponse> RevokePreviousApiKeySecretAsync(string keyId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"v1/admin/keys/{Escape(keyId)}/previous");
        return await SendForJsonAsync<ApiKeyResponse>(request, cancellationToken).ConfigureAwait(false);
    }
}
