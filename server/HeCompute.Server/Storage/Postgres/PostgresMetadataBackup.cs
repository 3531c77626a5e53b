using System.Data;
using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// PostgreSQL's backup half: every table copied out in PostgreSQL's binary COPY format (<c>tables/{name}.copy</c>)
/// inside one repeatable-read transaction, so all tables come from the same snapshot while other nodes keep writing;
/// a restore copies them back in one transaction and moves the sequences past the restored rows. The blob tables are
/// not part of it: blobs travel through the blob store (and the manifest), whichever store that is.
/// </summary>
public sealed class PostgresMetadataBackup(PostgresDatabase database) : IMetadataBackup
{
    // Parents before children (foreign keys are checked per row).
    private static readonly string[] Tables =
    [
        "tenants", "api_keys", "keysets", "blob_refs", "jobs", "models", "datasets", "dataset_contributors", "dataset_batches",
        "audit_log", "audit_heads", "audit_counter",
        "studies", "study_participants", "study_shares", "study_releases",
        "console_users", "console_recovery_codes",
    ];

    /// <inheritdoc/>
    public string Provider => Options.StorageOptions.PostgresProvider;

    /// <inheritdoc/>
    public int SchemaVersion => PostgresSchema.LatestVersion;

    /// <inheritdoc/>
    public async Task<MetadataSnapshot> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        var tables = Path.Combine(directory, "tables");
        PrivateFiles.CreateDirectory(tables);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            await using (var count = connection.Command($"SELECT COUNT(*) FROM {table};", transaction))
            {
                rows[table] = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await using var file = new FileStream(Path.Combine(tables, table + ".copy"), PrivateFiles.CreateOptions(FileMode.CreateNew, BlobStaging.BufferSize, FileOptions.Asynchronous));
            await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT binary);", cancellationToken).ConfigureAwait(false);
            await copy.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        var blobs = await ReferencedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new MetadataSnapshot(rows, blobs);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReferencedBlobsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReferencedAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var any = connection.Command(
            string.Join(" UNION ALL ", Tables.Where(t => t != "audit_counter").Select(t => $"(SELECT 1 FROM {t} LIMIT 1)")) + " LIMIT 1;");
        return await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null;
    }

    /// <inheritdoc/>
    public async Task RestoreAsync(string directory, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The empty store's counter row is replaced by the backup's.
        await using (var clear = connection.Command("DELETE FROM audit_counter;", transaction))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in Tables)
        {
            var path = Path.Combine(directory, "tables", table + ".copy");
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"The backup has no table {table}.");
            }

            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BlobStaging.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT binary);", cancellationToken).ConfigureAwait(false);
            await file.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        }

        await using (var sequences = connection.Command(
            """
            SELECT setval('blob_refs_position', GREATEST((SELECT MAX(position) FROM blob_refs), 1));
            SELECT setval(pg_get_serial_sequence('dataset_batches', 'position'), GREATEST((SELECT MAX(position) FROM dataset_batches), 1));
            """, transaction))
        {
            await sequences.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<string>> ReferencedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var referenced = connection.Command("SELECT DISTINCT sha256 FROM blob_refs ORDER BY sha256;", transaction);
        await using var reader = await referenced.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var blobs = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            blobs.Add(reader.GetString(0));
        }

        return blobs;
    }
}
