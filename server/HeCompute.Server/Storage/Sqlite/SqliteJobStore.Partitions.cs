using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>Partitions of partitioned jobs; SQLite's single writer makes each claim atomic.</summary>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobPartition>> EnsureAsync(string jobId, long jobToken, IReadOnlyList<string> specs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var existing = await ListAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            return existing;
        }

        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await HoldsAsync(connection, transaction, jobId, jobToken, cancellationToken).ConfigureAwait(false))
            {
                return [];
            }

            for (var i = 0; i < specs.Count; i++)
            {
                await using var insert = connection.Command(
                    "INSERT OR IGNORE INTO job_partitions (job_id, idx, spec, state) VALUES ($id, $idx, $spec, 'queued');", transaction)
                    .With("$id", jobId).With("$idx", i).With("$spec", specs[i]);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ListAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JobPartition>> ListAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT idx, spec, state, lease_owner, output, completed_by, attempts FROM job_partitions WHERE job_id = $id ORDER BY idx;").With("$id", jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var partitions = new List<JobPartition>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            partitions.Add(new JobPartition(
                reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetStringOrNull("lease_owner"),
                reader.GetStringOrNull("output"), reader.GetStringOrNull("completed_by"), reader.GetInt32(6)));
        }

        return partitions;
    }

    /// <inheritdoc/>
    public async Task<PartitionLease?> ClaimAsync(string owner, string? jobId, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            UPDATE job_partitions SET state = 'running', lease_owner = $owner, lease_expires_at = $until,
                fencing_token = fencing_token + 1, attempts = attempts + 1
            WHERE rowid = (
                SELECT p.rowid FROM job_partitions p JOIN jobs j ON j.id = p.job_id
                WHERE j.state = 'running'
                  AND (p.state = 'queued' OR (p.state = 'running' AND p.lease_expires_at <= $now))
                  AND (CASE WHEN $job IS NULL THEN j.lease_owner IS NOT $owner ELSE p.job_id = $job END)
                ORDER BY j.created_at, p.job_id, p.idx LIMIT 1)
            RETURNING job_id, idx, spec, fencing_token;
            """).With("$owner", owner).With("$until", SqliteDatabase.Format(now + duration)).With("$now", SqliteDatabase.Format(now)).With("$job", jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new PartitionLease(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), owner, reader.GetInt64(3))
            : null;
    }

    /// <inheritdoc/>
    public async Task<bool> RenewAsync(string jobId, int index, long token, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE job_partitions SET lease_expires_at = $until WHERE job_id = $id AND idx = $idx AND state = 'running' AND fencing_token = $token;",
            cancellationToken, ("$id", jobId), ("$idx", index), ("$token", token), ("$until", SqliteDatabase.Format(now + duration))).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public async Task<bool> ReleaseAsync(string jobId, int index, long token, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE job_partitions SET state = 'queued', lease_expires_at = NULL WHERE job_id = $id AND idx = $idx AND state = 'running' AND fencing_token = $token;",
            cancellationToken, ("$id", jobId), ("$idx", index), ("$token", token)).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public Task<int> ReleaseHeldAsync(string owner, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE job_partitions SET state = 'queued', lease_expires_at = NULL WHERE state = 'running' AND lease_owner = $owner;",
            cancellationToken, ("$owner", owner));

    /// <inheritdoc/>
    public async Task<(bool Completed, IReadOnlyList<string> Released)> CompleteAsync(
        string jobId, string tenantId, int index, long token, string? output, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var update = connection.Command(
            """
            UPDATE job_partitions SET state = 'done', output = $output, completed_by = lease_owner, lease_expires_at = NULL
            WHERE job_id = $id AND idx = $idx AND state = 'running' AND fencing_token = $token
              AND EXISTS (SELECT 1 FROM jobs WHERE id = $id AND state = 'running');
            """, transaction).With("$id", jobId).With("$idx", index).With("$token", token).With("$output", output))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return (false, [.. blobs.Select(b => b.Sha256)]);
            }
        }

        foreach (var blob in blobs)
        {
            await SqliteBlobRefs.InsertAsync(
                connection, transaction, jobId + PartitionOwnerSuffix, tenantId, blob with { Name = JobStates.PartitionBlobName(index, blob.Name) }, cancellationToken)
                .ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (true, []);
    }

    /// <inheritdoc/>
    public async Task<bool> FailAsync(string jobId, int index, long token, string reason, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            UPDATE job_partitions SET state = 'failed', output = $reason, lease_expires_at = NULL
            WHERE job_id = $id AND idx = $idx AND state = 'running' AND fencing_token = $token;
            """,
            cancellationToken, ("$id", jobId), ("$idx", index), ("$token", token), ("$reason", reason)).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobReference>> ListBlobsAsync(string jobId, int index, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var prefix = JobStates.PartitionBlobName(index, string.Empty);
        return [.. (await SqliteBlobRefs.ListAsync(connection, null, jobId + PartitionOwnerSuffix, cancellationToken).ConfigureAwait(false))
            .Where(b => b.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(b => b with { Name = b.Name[prefix.Length..] })];
    }

    /// <inheritdoc/>
    public async Task<bool> PromoteBlobsAsync(string jobId, long jobToken, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await HoldsAsync(connection, transaction, jobId, jobToken, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await using (var promote = connection.Command(
            "UPDATE OR REPLACE blob_refs SET owner_id = $id, name = substr(name, instr(name, '/') + 1) WHERE owner_id = $partitions;", transaction)
            .With("$id", jobId).With("$partitions", jobId + PartitionOwnerSuffix))
        {
            await promote.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
