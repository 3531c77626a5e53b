using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>Reads and writes <c>blob_refs</c> rows inside a caller's connection.</summary>
internal static class SqliteBlobRefs
{
    public static async Task InsertAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string ownerId, string tenantId, BlobReference reference, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "INSERT OR REPLACE INTO blob_refs (owner_id, name, tenant_id, sha256, bytes) VALUES ($owner, $name, $tenant, $sha, $bytes);", transaction)
            .With("$owner", ownerId).With("$name", reference.Name).With("$tenant", tenantId)
            .With("$sha", reference.Sha256).With("$bytes", reference.Bytes);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<BlobReference>> ListAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string ownerId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT name, sha256, bytes FROM blob_refs WHERE owner_id = $owner ORDER BY rowid;", transaction)
            .With("$owner", ownerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<BlobReference>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new BlobReference(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return result;
    }

    /// <summary>Deletes the rows selected by <paramref name="where"/> and returns their hashes.</summary>
    public static async Task<IReadOnlyList<string>> DeleteAsync(
        SqliteConnection connection, SqliteTransaction transaction, string where, string parameter, CancellationToken cancellationToken,
        params (string Name, object? Value)[] more)
    {
        await using var command = connection.Command($"DELETE FROM blob_refs WHERE {where} RETURNING sha256;", transaction)
            .With("$p", parameter);
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
