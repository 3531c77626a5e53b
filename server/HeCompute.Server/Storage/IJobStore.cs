namespace HeCompute.Server.Storage;

/// <summary>The durable job table.</summary>
public interface IJobStore
{
    /// <summary>Adds a queued job with references to its input blobs (already committed), in one transaction.</summary>
    Task CreateAsync(JobRecord job, IReadOnlyList<BlobReference> inputs, CancellationToken cancellationToken);

    /// <summary>The input blobs of a job (purged and erased with it; never listed as results).</summary>
    Task<IReadOnlyList<BlobReference>> ListInputsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The tenant's job, or null (also when it belongs to another tenant).</summary>
    Task<JobRecord?> GetAsync(string tenantId, string jobId, CancellationToken cancellationToken);

    /// <summary>Any job by id (for the runner).</summary>
    Task<JobRecord?> GetByIdAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The tenant's jobs, newest first.</summary>
    Task<IReadOnlyList<JobRecord>> ListAsync(string tenantId, int limit, CancellationToken cancellationToken);

    /// <summary>Atomically moves the oldest queued job to running (counting the attempt) and returns it.</summary>
    Task<JobRecord?> ClaimNextAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every job in the running state (after a restart: those interrupted).</summary>
    Task<IReadOnlyList<JobRecord>> ListRunningAsync(CancellationToken cancellationToken);

    /// <summary>Puts a running job back in the queue (to be resumed), noting why.</summary>
    Task RequeueAsync(string jobId, string note, CancellationToken cancellationToken);

    /// <summary>Records progress of a running job.</summary>
    Task UpdateProgressAsync(string jobId, double progress, string? message, CancellationToken cancellationToken);

    /// <summary>Stores a handler's checkpoint (what a resume starts from).</summary>
    Task SaveCheckpointAsync(string jobId, string checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a checkpoint together with its blobs (already committed), replacing the previous checkpoint's blobs, in
    /// one transaction; returns the hashes no longer referenced by this job (the old blobs, or the new ones when the
    /// job is no longer running and nothing was saved).
    /// </summary>
    Task<IReadOnlyList<string>> SaveCheckpointAsync(string jobId, string tenantId, string checkpoint, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken);

    /// <summary>The blobs of a job's last checkpoint (never listed as results).</summary>
    Task<IReadOnlyList<BlobReference>> ListCheckpointBlobsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Drops the references to a job's checkpoint blobs (once it is final); returns their hashes.</summary>
    Task<IReadOnlyList<string>> DropCheckpointBlobsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces a named result blob of a job.</summary>
    Task AddResultAsync(string jobId, string tenantId, BlobReference result, CancellationToken cancellationToken);

    /// <summary>Moves a running (or queued) job to a final state; false if it was already final.</summary>
    Task<bool> FinishAsync(
        string jobId, Contracts.JobState state, string? error, string? output, DateTimeOffset finishedAt, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Cancels a queued job, or flags a running one.</summary>
    Task<CancelOutcome> RequestCancelAsync(string tenantId, string jobId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes finished jobs whose expiry has passed; returns the blob hashes they referenced.</summary>
    Task<IReadOnlyList<string>> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
