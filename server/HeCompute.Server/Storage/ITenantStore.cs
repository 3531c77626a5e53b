namespace HeCompute.Server.Storage;

/// <summary>Tenants.</summary>
public interface ITenantStore
{
    /// <summary>Adds a tenant.</summary>
    Task CreateAsync(TenantRecord tenant, CancellationToken cancellationToken);

    /// <summary>The tenant, or null.</summary>
    Task<TenantRecord?> GetAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Every tenant, oldest first.</summary>
    Task<IReadOnlyList<TenantRecord>> ListAsync(CancellationToken cancellationToken);
}
