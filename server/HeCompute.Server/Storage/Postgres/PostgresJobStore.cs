using HeCompute.Contracts;
using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// The durable job table in PostgreSQL; result blobs are <c>blob_refs</c> rows owned by the job. A claim locks the row
/// it takes with SKIP LOCKED, so nodes polling at once each take a different job.
/// </summary>
public sealed partial class PostgresJobStore(PostgresDatabase database) : IJobStore, IJobLeaseStore, IJobPartitionStore
{
    private const string InputOwnerSuffix = JobStates.InputOwnerSuffix;
    private const string CheckpointOwnerSuffix = JobStates.CheckpointOwnerSuffix;
    private const string PartitionOwnerSuffix = JobStates.PartitionOwnerSuffix;

    // A write under a fencing token matches only while the token is current; without one (the single-node calls of
    // IJobStore) it matches any running job.
    private const string Fenced = "(@token::bigint IS NULL OR fencing_token = @token::bigint)";
    private const string Final = "state IN ('succeeded', 'failed', 'cancelled')";

    /// <inheritdoc/>
    public async Task CreateAsync(JobRecord job, IReadOnlyList<BlobReference> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(inputs);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.Command(
            """
            INSERT INTO jobs (id, tenant_id, kind, state, progress, attempts, input, created_at)
            VALUES (@id, @tenant, @kind, @state, 0, 0, @input::text, @at);
            """, transaction)
            .With("id", job.Id).With("tenant", job.TenantId).With("kind", job.Kind).With("state", JobStates.ToText(job.State))
            .With("input", job.Input).With("at", job.CreatedAt))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var input in inputs)
        {
            await PostgresBlobRefs.InsertAsync(connection, transaction, job.Id + InputOwnerSuffix, job.TenantId, input, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobReference>> ListInputsAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresBlobRefs.ListAsync(connection, null, jobId + InputOwnerSuffix, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<JobRecord?> GetAsync(string tenantId, string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT * FROM jobs WHERE tenant_id = @tenant AND id = @id;", cancellationToken, ("tenant", tenantId), ("id", jobId)).ConfigureAwait(false))
        .FirstOrDefault();

    /// <inheritdoc/>
    public async Task<JobRecord?> GetByIdAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT * FROM jobs WHERE id = @id;", cancellationToken, ("id", jobId)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobRecord>> ListAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        QueryAsync("SELECT * FROM jobs WHERE tenant_id = @tenant ORDER BY created_at DESC, id LIMIT @limit;", cancellationToken, ("tenant", tenantId), ("limit", limit));

    /// <inheritdoc/>
    public async Task<JobRecord?> ClaimNextAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QueryAsync(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = @now
            WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *;
            """, cancellationToken, ("now", now)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobRecord>> ListRunningAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT * FROM jobs WHERE state = 'running' ORDER BY created_at, id;", cancellationToken);

    /// <inheritdoc/>
    public Task RequeueAsync(string jobId, string note, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE jobs SET state = 'queued', progress_message = @note, lease_owner = NULL, lease_expires_at = NULL WHERE id = @id AND state = 'running';",
            cancellationToken, ("id", jobId), ("note", note));

    /// <inheritdoc/>
    public Task UpdateProgressAsync(string jobId, double progress, string? message, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE jobs SET progress = @progress, progress_message = COALESCE(@message::text, progress_message) WHERE id = @id AND state = 'running';",
            cancellationToken, ("id", jobId), ("progress", Math.Clamp(progress, 0, 1)), ("message", message));

    /// <inheritdoc/>
    public Task SaveCheckpointAsync(string jobId, string checkpoint, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET checkpoint = @checkpoint WHERE id = @id AND state = 'running';", cancellationToken, ("id", jobId), ("checkpoint", checkpoint));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SaveCheckpointAsync(
        string jobId, string tenantId, string checkpoint, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken) =>
        (await SaveCheckpointAsync(jobId, null, tenantId, checkpoint, blobs, cancellationToken).ConfigureAwait(false)).Released;

    /// <inheritdoc/>
    public Task<(bool Saved, IReadOnlyList<string> Released)> SaveCheckpointAsync(
        string jobId, long token, string tenantId, string checkpoint, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken) =>
        SaveCheckpointAsync(jobId, (long?)token, tenantId, checkpoint, blobs, cancellationToken);

    private async Task<(bool Saved, IReadOnlyList<string> Released)> SaveCheckpointAsync(
        string jobId, long? token, string tenantId, string checkpoint, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var update = connection.Command($"UPDATE jobs SET checkpoint = @checkpoint WHERE id = @id AND state = 'running' AND {Fenced};", transaction)
            .With("id", jobId).With("checkpoint", checkpoint).With("token", token))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return (false, [.. blobs.Select(b => b.Sha256)]);
            }
        }

        var released = await PostgresBlobRefs.DeleteAsync(connection, transaction, "owner_id = @p", jobId + CheckpointOwnerSuffix, cancellationToken).ConfigureAwait(false);
        foreach (var blob in blobs)
        {
            await PostgresBlobRefs.InsertAsync(connection, transaction, jobId + CheckpointOwnerSuffix, tenantId, blob, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (true, released);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobReference>> ListCheckpointBlobsAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresBlobRefs.ListAsync(connection, null, jobId + CheckpointOwnerSuffix, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> DropCheckpointBlobsAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var released = await PostgresBlobRefs.DeleteAsync(
            connection, transaction, "owner_id IN (@p, @partitions)", jobId + CheckpointOwnerSuffix, cancellationToken, ("partitions", jobId + PartitionOwnerSuffix))
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return released;
    }

    /// <inheritdoc/>
    public async Task AddResultAsync(string jobId, string tenantId, BlobReference result, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresBlobRefs.InsertAsync(connection, null, jobId, tenantId, result, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> AddResultAsync(string jobId, long token, string tenantId, BlobReference result, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The row lock holds the token still while the reference is added.
        await using (var check = connection.Command($"SELECT 1 FROM jobs WHERE id = @id AND state = 'running' AND {Fenced} FOR UPDATE;", transaction)
            .With("id", jobId).With("token", token))
        {
            if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        await PostgresBlobRefs.InsertAsync(connection, transaction, jobId, tenantId, result, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public Task<bool> FinishAsync(
        string jobId, JobState state, string? error, string? output, DateTimeOffset finishedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        FinishAsync(jobId, null, state, error, output, finishedAt, expiresAt, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> FinishAsync(
        string jobId, long token, JobState state, string? error, string? output, DateTimeOffset finishedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        FinishAsync(jobId, (long?)token, state, error, output, finishedAt, expiresAt, cancellationToken);

    private async Task<bool> FinishAsync(
        string jobId, long? token, JobState state, string? error, string? output, DateTimeOffset finishedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"""
            UPDATE jobs SET state = @state, error = @error::text, output = @output::text, finished_at = @finished, expires_at = @expires,
                progress = CASE WHEN @state = 'succeeded' THEN 1 ELSE progress END, lease_expires_at = NULL
            WHERE id = @id AND (state = 'queued' OR (state = 'running' AND {Fenced}));
            """,
            cancellationToken,
            ("id", jobId), ("token", token), ("state", JobStates.ToText(state)), ("error", error), ("output", output), ("finished", finishedAt), ("expires", expiresAt))
            .ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public async Task<CancelOutcome> RequestCancelAsync(string tenantId, string jobId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var cancelled = await ExecuteAsync(
            """
            UPDATE jobs SET state = 'cancelled', error = 'cancelled on request before it started', finished_at = @now, expires_at = @expires
            WHERE tenant_id = @tenant AND id = @id AND state = 'queued';
            """,
            cancellationToken, ("tenant", tenantId), ("id", jobId), ("now", now), ("expires", expiresAt)).ConfigureAwait(false);
        if (cancelled > 0)
        {
            return CancelOutcome.Cancelled;
        }

        var flagged = await ExecuteAsync(
            "UPDATE jobs SET cancel_requested = true WHERE tenant_id = @tenant AND id = @id AND state = 'running';",
            cancellationToken, ("tenant", tenantId), ("id", jobId)).ConfigureAwait(false);
        if (flagged > 0)
        {
            return CancelOutcome.CancelRequested;
        }

        return await GetAsync(tenantId, jobId, cancellationToken).ConfigureAwait(false) is null ? CancelOutcome.NotFound : CancelOutcome.AlreadyFinished;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var released = await PostgresBlobRefs.DeleteAsync(
            connection, transaction,
            $"owner_id IN (SELECT owner FROM jobs, LATERAL (VALUES (id), (id || '{InputOwnerSuffix}'), (id || '{CheckpointOwnerSuffix}'), (id || '{PartitionOwnerSuffix}')) AS o(owner) " +
            $"WHERE {Final} AND expires_at <= @p)",
            PostgresDatabase.Round(now), cancellationToken).ConfigureAwait(false);
        await using (var command = connection.Command($"DELETE FROM jobs WHERE {Final} AND expires_at <= @now;", transaction).With("now", now))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return released;
    }

    /// <inheritdoc/>
    public async Task<JobLease?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = PostgresDatabase.Round(now + duration);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        string id;
        long token;
        string? previous;
        await using (var command = connection.Command(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = @now,
                previous_owner = CASE WHEN state = 'running' THEN lease_owner END,
                lease_owner = @owner, lease_expires_at = @until, fencing_token = fencing_token + 1
            WHERE id = (SELECT id FROM jobs
                        WHERE state = 'queued' OR (state = 'running' AND lease_expires_at <= @now)
                        ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, fencing_token, previous_owner;
            """).With("now", now).With("owner", owner).With("until", until))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (id, token, previous) = (reader.GetString(0), reader.GetInt64(1), await reader.IsDBNullAsync(2, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(2));
        }

        var job = await GetByIdAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"Claimed job {id} vanished.");
        return new JobLease(job, owner, token, until, previous);
    }

    /// <inheritdoc/>
    public async Task<bool> RenewAsync(string jobId, long token, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE jobs SET lease_expires_at = @until WHERE id = @id AND state = 'running' AND fencing_token = @token;",
            cancellationToken, ("id", jobId), ("token", token), ("until", now + duration)).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public async Task<bool> ReleaseAsync(string jobId, long token, string note, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            """
            UPDATE jobs SET state = 'queued', progress_message = @note, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = @id AND state = 'running' AND fencing_token = @token;
            """,
            cancellationToken, ("id", jobId), ("token", token), ("note", note)).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public async Task<bool> SaveCheckpointAsync(string jobId, long token, string checkpoint, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE jobs SET checkpoint = @checkpoint WHERE id = @id AND state = 'running' AND fencing_token = @token;",
            cancellationToken, ("id", jobId), ("token", token), ("checkpoint", checkpoint)).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    public Task<IReadOnlyList<JobRecord>> ListHeldAsync(string owner, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT * FROM jobs WHERE state = 'running' AND (lease_owner = @owner OR lease_owner IS NULL) ORDER BY created_at, id;",
            cancellationToken, ("owner", owner));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<JobRecord>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<JobRecord>();
        await using (var command = connection.Command(sql))
        {
            foreach (var (name, value) in parameters)
            {
                command.With(name, value);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(Read(reader));
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { Results = await PostgresBlobRefs.ListAsync(connection, null, rows[i].Id, cancellationToken).ConfigureAwait(false) };
        }

        return rows;
    }

    private static JobRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString("id"),
        reader.GetString("tenant_id"),
        reader.GetString("kind"),
        JobStates.Parse(reader.GetString("state")),
        reader.GetDouble("progress"),
        reader.GetStringOrNull("progress_message"),
        reader.GetInt32("attempts"),
        reader.GetStringOrNull("error"),
        reader.GetStringOrNull("input"),
        reader.GetStringOrNull("checkpoint"),
        reader.GetStringOrNull("output"),
        reader.GetBoolean("cancel_requested"),
        [],
        reader.GetTimestamp("created_at"),
        reader.GetTimestampOrNull("started_at"),
        reader.GetTimestampOrNull("finished_at"),
        reader.GetTimestampOrNull("expires_at"));
}
