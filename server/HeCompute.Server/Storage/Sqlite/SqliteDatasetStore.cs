using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>
/// Datasets in SQLite: the definition and layout as one JSON column, contributors and batches in their own tables
/// (deleted with the dataset), each batch's ciphertext a <c>blob_refs</c> row owned by the batch and attributed to the
/// contributing tenant (so that tenant's erasure removes it).
/// </summary>
public sealed class SqliteDatasetStore(SqliteDatabase database) : IDatasetStore
{
    private const string Select =
        """
        SELECT d.*,
            (SELECT COUNT(*) FROM dataset_batches b WHERE b.dataset_id = d.id) AS batch_count,
            (SELECT COALESCE(SUM(b.records), 0) FROM dataset_batches b WHERE b.dataset_id = d.id) AS record_count
        FROM datasets d
        WHERE (d.tenant_id = $tenant OR EXISTS (SELECT 1 FROM dataset_contributors c WHERE c.dataset_id = d.id AND c.tenant_id = $tenant))
        """;

    /// <inheritdoc/>
    public async Task CreateAsync(DatasetRecord dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO datasets (id, tenant_id, name, definition, plan, keyset_id, created_at)
            VALUES ($id, $tenant, $name, $definition, $plan, NULL, $at);
            """)
            .With("$id", dataset.Id).With("$tenant", dataset.TenantId).With("$name", dataset.Name)
            .With("$definition", DatasetDefinition.Serialize(dataset)).With("$plan", dataset.PlanJson)
            .With("$at", SqliteDatabase.Format(dataset.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<(DatasetRecord Dataset, DatasetAccess Access)?> GetAccessibleAsync(string tenantId, string datasetId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync(Select + " AND d.id = $id;", tenantId, datasetId, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<(DatasetRecord Dataset, DatasetAccess Access)>> ListAccessibleAsync(string tenantId, CancellationToken cancellationToken) =>
        QueryAsync(Select + " ORDER BY d.created_at DESC, d.id;", tenantId, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> BindKeySetAsync(string tenantId, string datasetId, string keySetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE datasets SET keyset_id = $keyset WHERE tenant_id = $tenant AND id = $id;")
            .With("$keyset", keySetId).With("$tenant", tenantId).With("$id", datasetId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<bool> AddContributorAsync(string tenantId, string datasetId, string contributorTenantId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT OR IGNORE INTO dataset_contributors (dataset_id, tenant_id, created_at)
            SELECT id, $contributor, $at FROM datasets WHERE tenant_id = $tenant AND id = $id;
            """)
            .With("$contributor", contributorTenantId).With("$at", SqliteDatabase.Format(at)).With("$tenant", tenantId).With("$id", datasetId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var owned = connection.Command("SELECT 1 FROM datasets WHERE tenant_id = $tenant AND id = $id;").With("$tenant", tenantId).With("$id", datasetId);
        return await owned.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc/>
    public async Task<AppendOutcome> AppendBatchAsync(DatasetBatchRecord batch, int maxRecords, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One statement checks the dataset and the record bound and inserts, so concurrent appends cannot overshoot.
        await using (var insert = connection.Command(
            """
            INSERT INTO dataset_batches (id, dataset_id, tenant_id, records, sha256, bytes, created_at)
            SELECT $id, $dataset, $tenant, $records, $sha, $bytes, $at
            WHERE EXISTS (SELECT 1 FROM datasets WHERE id = $dataset)
              AND (SELECT COALESCE(SUM(records), 0) FROM dataset_batches WHERE dataset_id = $dataset) + $records <= $max;
            """, transaction)
            .With("$id", batch.Id).With("$dataset", batch.DatasetId).With("$tenant", batch.ContributorTenantId).With("$records", batch.Records)
            .With("$sha", batch.Sha256).With("$bytes", batch.Bytes).With("$at", SqliteDatabase.Format(batch.CreatedAt)).With("$max", maxRecords))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                await using var exists = connection.Command("SELECT 1 FROM datasets WHERE id = $dataset;", transaction).With("$dataset", batch.DatasetId);
                return await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null ? AppendOutcome.NotFound : AppendOutcome.TooManyRecords;
            }
        }

        await SqliteBlobRefs.InsertAsync(
            connection, transaction, batch.Id, batch.ContributorTenantId, new BlobReference(DatasetBatchRecord.BlobName, batch.Sha256, batch.Bytes), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return AppendOutcome.Appended;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DatasetBatchRecord>> ListBatchesAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT * FROM dataset_batches WHERE dataset_id = $dataset ORDER BY created_at, rowid;")
            .With("$dataset", datasetId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DatasetBatchRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DatasetBatchRecord(
                reader.GetString("id"),
                reader.GetString("dataset_id"),
                reader.GetString("tenant_id"),
                (int)reader.GetInt64("records"),
                reader.GetString("sha256"),
                reader.GetInt64("bytes"),
                reader.GetTimestamp("created_at")));
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>?> DeleteAsync(string tenantId, string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var released = await SqliteBlobRefs.DeleteAsync(
            connection, transaction,
            "owner_id IN (SELECT b.id FROM dataset_batches b JOIN datasets d ON d.id = b.dataset_id WHERE d.id = $p AND d.tenant_id = $tenant)",
            datasetId, cancellationToken, ("$tenant", tenantId)).ConfigureAwait(false);
        await using (var command = connection.Command("DELETE FROM datasets WHERE tenant_id = $tenant AND id = $id;", transaction)
            .With("$tenant", tenantId).With("$id", datasetId))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return released;
    }

    private async Task<IReadOnlyList<(DatasetRecord Dataset, DatasetAccess Access)>> QueryAsync(
        string sql, string tenantId, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql).With("$tenant", tenantId);
        if (id is not null)
        {
            command.With("$id", id);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(DatasetRecord, DatasetAccess)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var owner = reader.GetString("tenant_id");
            rows.Add((DatasetDefinition.ToRecord(
                reader.GetString("definition"),
                reader.GetString("id"),
                owner,
                reader.GetString("name"),
                reader.GetString("plan"),
                reader.GetStringOrNull("keyset_id"),
                (int)reader.GetInt64("batch_count"),
                reader.GetInt64("record_count"),
                reader.GetTimestamp("created_at")), owner == tenantId ? DatasetAccess.Owner : DatasetAccess.Contributor));
        }

        return rows;
    }
}
