namespace HeCompute.Server.Storage.Postgres;

/// <summary>Models in PostgreSQL; their source and document are <c>blob_refs</c> rows owned by the model.</summary>
public sealed class PostgresModelStore(PostgresDatabase database) : IModelStore
{
    private const string Visible = "(tenant_id = @tenant OR shared)";

    /// <inheritdoc/>
    public async Task CreateAsync(ModelRecord model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.Command(
            """
            INSERT INTO models (id, tenant_id, name, kind, source, shared, features, outputs, sha256, plan, noise_flooding, flooding_sd, created_at)
            VALUES (@id, @tenant, @name, @kind, @source, @shared, @features, @outputs, @sha, @plan, @flood, @sd, @at);
            """, transaction))
        {
            command.With("id", model.Id).With("tenant", model.TenantId).With("name", model.Name).With("kind", model.Kind)
                .With("source", model.Source).With("shared", model.Shared).With("features", model.Features)
                .With("outputs", model.Outputs.ToArray()).With("sha", model.Sha256).With("plan", model.PlanJson)
                .With("flood", model.NoiseFlooding).With("sd", model.FloodingStandardDeviation).With("at", model.CreatedAt);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var blob in model.Blobs)
        {
            await PostgresBlobRefs.InsertAsync(connection, transaction, model.Id, model.TenantId, blob, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ModelRecord?> GetVisibleAsync(string tenantId, string modelId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync($"SELECT * FROM models WHERE id = @id AND {Visible};", tenantId, modelId, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ModelRecord>> ListVisibleAsync(string tenantId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT * FROM models WHERE {Visible} ORDER BY created_at DESC, id;", tenantId, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>?> DeleteAsync(string tenantId, string modelId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.Command("DELETE FROM models WHERE tenant_id = @tenant AND id = @id;", transaction)
            .With("tenant", tenantId).With("id", modelId))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        var released = await PostgresBlobRefs.DeleteAsync(connection, transaction, "owner_id = @p", modelId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return released;
    }

    private async Task<IReadOnlyList<ModelRecord>> QueryAsync(string sql, string tenantId, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ModelRecord>();
        await using (var command = connection.Command(sql).With("tenant", tenantId))
        {
            if (id is not null)
            {
                command.With("id", id);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new ModelRecord(
                    reader.GetString("id"),
                    reader.GetString("tenant_id"),
                    reader.GetString("name"),
                    reader.GetString("kind"),
                    reader.GetString("source"),
                    reader.GetBoolean("shared"),
                    reader.GetInt32("features"),
                    reader.Get<string[]>("outputs"),
                    reader.GetString("sha256"),
                    reader.GetString("plan"),
                    reader.GetBoolean("noise_flooding"),
                    reader.GetDouble("flooding_sd"),
                    [],
                    reader.GetTimestamp("created_at")));
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { Blobs = await PostgresBlobRefs.ListAsync(connection, null, rows[i].Id, cancellationToken).ConfigureAwait(false) };
        }

        return rows;
    }
}
