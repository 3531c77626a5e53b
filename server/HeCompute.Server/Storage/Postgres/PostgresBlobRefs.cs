using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>Reads and writes <c>blob_refs</c> rows inside a caller's connection.</summary>
internal static class PostgresBlobRefs
{
    public static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string ownerId, string tenantId, BlobReference reference, CancellationToken cancellationToken)
    {
        // A replaced reference moves to the end, as SQLite's INSERT OR REPLACE gives it a new rowid.
        await using var command = connection.Command(
            """
            INSERT INTO blob_refs (owner_id, name, tenant_id, sha256, bytes) VALUES (@owner, @name, @tenant, @sha, @bytes)
            ON CONFLICT (owner_id, name) DO UPDATE SET
                tenant_id = excluded.tenant_id, sha256 = excluded.sha256, bytes = excluded.bytes, position = nextval('blob_refs_position');
            """, transaction)
            .With("owner", ownerId).With("name", reference.Name).With("tenant", tenantId)
            .With("sha", reference.Sha256).With("bytes", reference.Bytes);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<BlobReference>> ListAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string ownerId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT name, sha256, bytes FROM blob_refs WHERE owner_id = @owner ORDER BY position;", transaction)
            .With("owner", ownerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<BlobReference>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new BlobReference(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return result;
    }

    /// <summary>Deletes the rows selected by <paramref name="where"/> (parameter <c>@p</c>) and returns their hashes.</summary>
    public static async Task<IReadOnlyList<string>> DeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string where, object parameter, CancellationToken cancellationToken,
        params (string Name, object? Value)[] more)
    {
        await using var command = connection.Command($"DELETE FROM blob_refs WHERE {where} RETURNING sha256;", transaction).With("p", parameter);
        foreach (var (name, value) in more)
        {
            command.With(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
