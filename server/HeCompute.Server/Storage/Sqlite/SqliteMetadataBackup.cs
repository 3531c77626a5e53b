using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>
/// SQLite's backup half: <c>VACUUM INTO</c> writes one consistent copy of the database (<c>metadata.db</c>); a
/// restore attaches it and copies every table's rows in one transaction.
/// </summary>
public sealed class SqliteMetadataBackup(SqliteDatabase database) : IMetadataBackup
{
    private const string FileName = "metadata.db";

    // Parents before children (foreign keys are enforced).
    private static readonly string[] Tables =
        ["tenants", "api_keys", "keysets", "blob_refs", "jobs", "models", "datasets", "dataset_contributors", "dataset_batches", "audit_log",
        "studies", "study_participants", "study_shares", "study_releases",
        "console_users", "console_recovery_codes"];

    /// <inheritdoc/>
    public string Provider => Options.StorageOptions.SqliteProvider;

    /// <inheritdoc/>
    public int SchemaVersion => SqliteSchema.LatestVersion;

    /// <inheritdoc/>
    public async Task<MetadataSnapshot> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var vacuum = connection.Command("VACUUM INTO $path;").With("$path", path))
        {
            await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        PrivateFiles.Tighten(path);
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await copy.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            await using var count = copy.Command($"SELECT COUNT(*) FROM {table};");
            rows[table] = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        return new MetadataSnapshot(rows, await ReferencedAsync(copy, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReferencedBlobsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReferencedAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables)
        {
            await using var any = connection.Command($"SELECT 1 FROM {table} LIMIT 1;");
            if (await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public async Task RestoreAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The backup has no {FileName}.");
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var attach = connection.Command("ATTACH DATABASE $path AS backup;").With("$path", path))
        {
            await attach.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var table in Tables)
            {
                // Same schema version on both sides, so the columns are the same and in the same order.
                await using var copy = connection.Command($"INSERT INTO main.{table} SELECT * FROM backup.{table};", transaction);
                await copy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await using var detach = connection.Command("DETACH DATABASE backup;");
            await detach.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<string>> ReferencedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var referenced = connection.Command("SELECT DISTINCT sha256 FROM blob_refs ORDER BY sha256;");
        await using var reader = await referenced.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var blobs = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            blobs.Add(reader.GetString(0));
        }

        return blobs;
    }
}
