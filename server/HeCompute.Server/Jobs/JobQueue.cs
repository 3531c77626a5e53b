using HeCompute.Contracts;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Jobs;

/// <summary>Queues jobs for the runner (what the predict and statistics endpoints call).</summary>
public sealed partial class JobQueue(
    IMetadataStore metadata, IBlobStore blobs, BlobCollector collector, JobHandlerRegistry handlers, JobSignal signal, TimeProvider time, ILogger<JobQueue> logger)
{
    /// <summary>Stores a queued job of a registered kind for the tenant and wakes the runner.</summary>
    /// <param name="tenantId">The owner.</param>
    /// <param name="kind">A registered handler kind.</param>
    /// <param name="input">The handler's input, serialized with the API's JSON conventions (ids, not payloads).</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    public Task<JobRecord> EnqueueAsync<TInput>(string tenantId, string kind, TInput input, CancellationToken cancellationToken) =>
        EnqueueAsync(tenantId, kind, input, new Dictionary<string, StagedBlob>(), cancellationToken);

    /// <summary>
    /// Stores a queued job together with its input blobs (committed and referenced in the same step, so a job never
    /// exists without its inputs) and wakes the runner. The handler reads them with <see cref="JobContext.OpenInputAsync"/>.
    /// </summary>
    /// <param name="tenantId">The owner.</param>
    /// <param name="kind">A registered handler kind.</param>
    /// <param name="input">The handler's input (ids and names, not payloads).</param>
    /// <param name="inputBlobs">Staged payloads by name (e.g. ciphertexts); committed here.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    public async Task<JobRecord> EnqueueAsync<TInput>(
        string tenantId, string kind, TInput input, IReadOnlyDictionary<string, StagedBlob> inputBlobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputBlobs);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!handlers.TryGet(kind, out _))
        {
            throw new ArgumentException($"No job handler is registered for kind '{kind}'.", nameof(kind));
        }

        var job = new JobRecord(
            Ids.New("job"), tenantId, kind, JobState.Queued, 0, null, 0, null,
            input is null ? null : System.Text.Json.JsonSerializer.Serialize(input, HeComputeJson.Options),
            null, null, false, [], time.GetUtcNow(), null, null, null);
        await collector.WithLockAsync(async () =>
        {
            foreach (var staged in inputBlobs.Values)
            {
                await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
            }

            await metadata.Jobs.CreateAsync(
                job, [.. inputBlobs.Select(pair => new BlobReference(pair.Key, pair.Value.Sha256, pair.Value.Length))], CancellationToken.None).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        LogQueued(logger, job.Id, kind, tenantId);
        signal.Notify();
        return job;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} queued for tenant {TenantId}")]
    private static partial void LogQueued(ILogger logger, string jobId, string kind, string tenantId);
}
