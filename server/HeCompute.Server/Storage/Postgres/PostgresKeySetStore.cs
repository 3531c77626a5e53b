namespace HeCompute.Server.Storage.Postgres;

/// <summary>Key sets in PostgreSQL; parts are <c>blob_refs</c> rows owned by the key set.</summary>
public sealed class PostgresKeySetStore(PostgresDatabase database) : IKeySetStore
{
    /// <inheritdoc/>
    public async Task CreateAsync(KeySetRecord keySet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.Command(
            """
            INSERT INTO keysets (id, tenant_id, name, parms_id, poly_modulus_degree, coeff_modulus_bits, galois_elements, has_public_key, has_relin_keys, created_at, expires_at)
            VALUES (@id, @tenant, @name::text, @parms, @n, @bits, @galois, @pk, @rk, @at, @expires::timestamptz);
            """, transaction))
        {
            command.With("id", keySet.Id).With("tenant", keySet.TenantId).With("name", keySet.Name).With("parms", keySet.ParmsId)
                .With("n", checked((long)keySet.PolyModulusDegree)).With("bits", keySet.CoeffModulusBits.ToArray())
                .With("galois", keySet.GaloisElements.Select(g => (long)g).ToArray()).With("pk", keySet.HasPublicKey).With("rk", keySet.HasRelinKeys)
                .With("at", keySet.CreatedAt).With("expires", keySet.ExpiresAt);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var part in keySet.Parts)
        {
            await PostgresBlobRefs.InsertAsync(connection, transaction, keySet.Id, keySet.TenantId, part, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<KeySetRecord?> GetAsync(string tenantId, string keySetId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("SELECT * FROM keysets WHERE tenant_id = @tenant AND id = @id;", tenantId, keySetId, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<KeySetRecord>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        QueryAsync("SELECT * FROM keysets WHERE tenant_id = @tenant ORDER BY created_at DESC, id;", tenantId, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>?> DeleteAsync(string tenantId, string keySetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.Command("DELETE FROM keysets WHERE tenant_id = @tenant AND id = @id;", transaction)
            .With("tenant", tenantId).With("id", keySetId))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        var released = await PostgresBlobRefs.DeleteAsync(connection, transaction, "owner_id = @p", keySetId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return released;
    }

    private async Task<IReadOnlyList<KeySetRecord>> QueryAsync(string sql, string tenantId, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<KeySetRecord>();
        await using (var command = connection.Command(sql).With("tenant", tenantId))
        {
            if (id is not null)
            {
                command.With("id", id);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new KeySetRecord(
                    reader.GetString("id"),
                    reader.GetString("tenant_id"),
                    reader.GetStringOrNull("name"),
                    reader.GetString("parms_id"),
                    (ulong)reader.GetInt64("poly_modulus_degree"),
                    reader.Get<int[]>("coeff_modulus_bits"),
                    Array.ConvertAll(reader.Get<long[]>("galois_elements"), g => (uint)g),
                    reader.GetBoolean("has_public_key"),
                    reader.GetBoolean("has_relin_keys"),
                    [],
                    reader.GetTimestamp("created_at"),
                    reader.GetTimestampOrNull("expires_at")));
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { Parts = await PostgresBlobRefs.ListAsync(connection, null, rows[i].Id, cancellationToken).ConfigureAwait(false) };
        }

        return rows;
    }
}
