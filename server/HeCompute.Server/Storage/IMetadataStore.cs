namespace HeCompute.Server.Storage;

/// <summary>
/// All metadata, behind one interface so the embedded SQLite store can be replaced (PostgreSQL, several nodes).
/// Every tenant-owned lookup takes the tenant id: another tenant's object is simply not found.
/// </summary>
public interface IMetadataStore
{
    /// <summary>Tenants.</summary>
    ITenantStore Tenants { get; }

    /// <summary>API keys.</summary>
    IApiKeyStore ApiKeys { get; }

    /// <summary>Key sets.</summary>
    IKeySetStore KeySets { get; }

    /// <summary>Jobs.</summary>
    IJobStore Jobs { get; }

    /// <summary>Registered models.</summary>
    IModelStore Models { get; }

    /// <summary>Datasets, contributors and batches.</summary>
    IDatasetStore Datasets { get; }

    /// <summary>The append-only, hash-chained audit log.</summary>
    IAuditStore Audit { get; }

    /// <summary>The at-rest keyring (wrapped data keys).</summary>
    IKeyringStore Keyring { get; }

    /// <summary>Creates or upgrades the schema (idempotent; recorded in a migrations table).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws if the store cannot be read and written.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);

    /// <summary>Whether any stored object still references the blob.</summary>
    Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a tenant's key sets, jobs, models, datasets (with every batch appended to them) and the batches it
    /// contributed to other tenants' datasets, with their blob references (not the tenant, its keys or its audit log).
    /// </summary>
    Task<TenantErasure> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken);
}
