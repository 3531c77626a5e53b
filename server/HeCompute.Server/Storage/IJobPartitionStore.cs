namespace HeCompute.Server.Storage;

/// <summary>
/// The partitions of partitioned jobs: units of work that runners on any node claim from the shared database, each
/// under its own lease and fencing token (as <see cref="IJobLeaseStore"/> does for jobs). A partition's result — a
/// summary and blobs — is stored in the same step that marks it done, and only under the current token, so a partition
/// is counted once however many nodes started it.
/// </summary>
public interface IJobPartitionStore
{
    /// <summary>
    /// The job's partitions, in order; when it has none yet, first creates one per <paramref name="specs"/> entry
    /// (queued) — only while <paramref name="jobToken"/> is the job's current fencing token.
    /// </summary>
    Task<IReadOnlyList<JobPartition>> EnsureAsync(string jobId, long jobToken, IReadOnlyList<string> specs, CancellationToken cancellationToken);

    /// <summary>The job's partitions, in order (none for a job that is not partitioned).</summary>
    Task<IReadOnlyList<JobPartition>> ListAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the first partition, queued or held under an expired lease, of a running job for <paramref name="owner"/>
    /// until <paramref name="now"/> + <paramref name="duration"/>: of <paramref name="jobId"/> when given, otherwise of the
    /// oldest job another owner holds. Null when there is none.
    /// </summary>
    Task<PartitionLease?> ClaimAsync(string owner, string? jobId, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends a partition's lease; false if <paramref name="token"/> is no longer current.</summary>
    Task<bool> RenewAsync(string jobId, int index, long token, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Hands a partition back (queued); false if <paramref name="token"/> is no longer current.</summary>
    Task<bool> ReleaseAsync(string jobId, int index, long token, CancellationToken cancellationToken);

    /// <summary>Hands back every partition <paramref name="owner"/> holds (a restarted node's, whose work died with it); returns how many.</summary>
    Task<int> ReleaseHeldAsync(string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a partition done with its summary and blobs (already committed), in one transaction, if
    /// <paramref name="token"/> is still current and the job still runs: whether it was, and the hashes no longer
    /// referenced (the new blobs' when it was not).
    /// </summary>
    Task<(bool Completed, IReadOnlyList<string> Released)> CompleteAsync(
        string jobId, string tenantId, int index, long token, string? output, IReadOnlyList<BlobReference> blobs, CancellationToken cancellationToken);

    /// <summary>Marks a partition failed with the reason (the job's holder then fails the job); false if <paramref name="token"/> is no longer current.</summary>
    Task<bool> FailAsync(string jobId, int index, long token, string reason, CancellationToken cancellationToken);

    /// <summary>The blobs of one done partition.</summary>
    Task<IReadOnlyList<BlobReference>> ListBlobsAsync(string jobId, int index, CancellationToken cancellationToken);

    /// <summary>
    /// Makes every partition blob of the job one of its results (under the name the partition gave it) if
    /// <paramref name="jobToken"/> is still current; false otherwise.
    /// </summary>
    Task<bool> PromoteBlobsAsync(string jobId, long jobToken, CancellationToken cancellationToken);
}

/// <summary>A partition of a job.</summary>
/// <param name="Index">Its place in the job (0-based).</param>
/// <param name="Spec">What it covers, as the job's handler planned it (e.g. a range of batches).</param>
/// <param name="State"><c>queued</c>, <c>running</c>, <c>done</c> or <c>failed</c>.</param>
/// <param name="Owner">Who holds or last held its lease.</param>
/// <param name="Output">The handler's summary once done, or the reason once failed.</param>
/// <param name="CompletedBy">The owner whose result was stored.</param>
/// <param name="Attempts">How many claims it took.</param>
public sealed record JobPartition(int Index, string Spec, string State, string? Owner, string? Output, string? CompletedBy, int Attempts)
{
    /// <summary>State text of a partition done.</summary>
    public const string Done = "done";

    /// <summary>State text of a partition failed.</summary>
    public const string Failed = "failed";

    /// <summary>State text of a partition waiting for a claim.</summary>
    public const string Queued = "queued";
}

/// <summary>A claimed partition.</summary>
/// <param name="JobId">Its job.</param>
/// <param name="Index">Its place in the job.</param>
/// <param name="Spec">What it covers.</param>
/// <param name="Owner">Who holds it.</param>
/// <param name="Token">The fencing token its writes carry.</param>
public sealed record PartitionLease(string JobId, int Index, string Spec, string Owner, long Token);
