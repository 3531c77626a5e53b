namespace HeCompute.Server.Storage;

/// <summary>
/// Job ownership by lease, for runners on several nodes: a claim holds a job until its lease expires, the holder
/// renews it while it works, and a job whose holder stopped renewing (its node died) is claimed again by another.
/// Every claim increments the job's fencing token; writes carrying an older token are refused, so a slow holder
/// that lost its lease cannot overwrite the new holder's progress. Jobs claimed without a lease
/// (<see cref="IJobStore.ClaimNextAsync"/>) are never taken over.
/// </summary>
public interface IJobLeaseStore
{
    /// <summary>
    /// Claims the oldest job that is queued, or running under an expired lease, for <paramref name="owner"/> until
    /// <paramref name="now"/> + <paramref name="duration"/> (counting the attempt); null when there is none.
    /// </summary>
    Task<JobLease?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends a running job's lease to <paramref name="now"/> + <paramref name="duration"/>; false if <paramref name="token"/> is no longer current.</summary>
    Task<bool> RenewAsync(string jobId, long token, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Hands a running job back to the queue (a graceful stop), noting why; false if <paramref name="token"/> is no longer current.</summary>
    Task<bool> ReleaseAsync(string jobId, long token, string note, CancellationToken cancellationToken);

    /// <summary>Stores a running job's checkpoint if <paramref name="token"/> is still current; false (nothing stored) otherwise.</summary>
    Task<bool> SaveCheckpointAsync(string jobId, long token, string checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="IJobStore.SaveCheckpointAsync(string, string, string, IReadOnlyList{BlobReference}, CancellationToken)"/> if
    /// <paramref name="token"/> is still current: whether it was saved, and the hashes no longer referenced (the new
    /// blobs' when it was not).
    /// </summary>
    Task<(bool Saved, IReadOnlyList<string> Released)> SaveCheckpointAsync(
        string jobId, long token, string tenantId, string checkpoint, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken);

    /// <summary>Adds or replaces a named result blob (already committed) if <paramref name="token"/> is still current; false otherwise.</summary>
    Task<bool> AddResultAsync(string jobId, long token, string tenantId, BlobReference result, CancellationToken cancellationToken);

    /// <summary>Moves the job to a final state if <paramref name="token"/> is still current; false otherwise.</summary>
    Task<bool> FinishAsync(
        string jobId, long token, Contracts.JobState state, string? error, string? output, DateTimeOffset finishedAt, DateTimeOffset expiresAt,
        CancellationToken cancellationToken);

    /// <summary>
    /// The running jobs a restarted <paramref name="owner"/> left behind: those it holds a lease on, and those claimed
    /// without a lease (by a server before leases). Jobs other nodes hold are not listed: their leases expire.
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ListHeldAsync(string owner, CancellationToken cancellationToken);
}

/// <summary>A claimed job and its lease.</summary>
/// <param name="Job">The job, as claimed (running).</param>
/// <param name="Owner">Who holds it (a node's name).</param>
/// <param name="Token">The fencing token every write of this holder carries.</param>
/// <param name="ExpiresAt">When the lease ends unless renewed.</param>
/// <param name="PreviousOwner">The holder whose lease had expired when this claim took the job over; null for a queued job.</param>
public sealed record JobLease(JobRecord Job, string Owner, long Token, DateTimeOffset ExpiresAt, string? PreviousOwner = null);
