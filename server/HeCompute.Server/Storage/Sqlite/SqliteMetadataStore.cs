using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>The embedded metadata store: one SQLite file.</summary>
public sealed class SqliteMetadataStore(
    SqliteDatabase database,
    TimeProvider time,
    SqliteTenantStore tenants,
    SqliteApiKeyStore apiKeys,
    SqliteKeySetStore keySets,
    SqliteJobStore jobs,
    SqliteAuditStore audit) : IMetadataStore
{
    /// <inheritdoc/>
    public ITenantStore Tenants => tenants;

    /// <inheritdoc/>
    public IApiKeyStore ApiKeys => apiKeys;

    /// <inheritdoc/>
    public IKeySetStore KeySets => keySets;

    /// <inheritdoc/>
    public IJobStore Jobs => jobs;

    /// <inheritdoc/>
    public IAuditStore Audit => audit;

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteSchema.MigrateAsync(connection, time, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT COUNT(*) FROM schema_migrations;");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT 1 FROM blob_refs WHERE sha256 = $sha LIMIT 1;").With("$sha", sha256);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc/>
    public async Task<TenantErasure> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var released = await SqliteBlobRefs.DeleteAsync(connection, transaction, "tenant_id = $p", tenantId, cancellationToken).ConfigureAwait(false);
        int keySetCount, jobCount;
        await using (var command = connection.Command("DELETE FROM keysets WHERE tenant_id = $tenant;", transaction).With("$tenant", tenantId))
        {
            keySetCount = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = connection.Command("DELETE FROM jobs WHERE tenant_id = $tenant;", transaction).With("$tenant", tenantId))
        {
            jobCount = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new TenantErasure(keySetCount, jobCount, released);
    }
}
