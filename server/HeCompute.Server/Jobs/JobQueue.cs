using HeCompute.Contracts;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Jobs;

/// <summary>Queues jobs for the runner (what the predict and statistics endpoints call).</summary>
public sealed partial class JobQueue(IMetadataStore metadata, JobHandlerRegistry handlers, JobSignal signal, TimeProvider time, ILogger<JobQueue> logger)
{
    /// <summary>Stores a queued job of a registered kind for the tenant and wakes the runner.</summary>
    /// <param name="tenantId">The owner.</param>
    /// <param name="kind">A registered handler kind.</param>
    /// <param name="input">The handler's input, serialized with the API's JSON conventions (ids, not payloads).</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    public async Task<JobRecord> EnqueueAsync<TInput>(string tenantId, string kind, TInput input, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!handlers.TryGet(kind, out _))
        {
            throw new ArgumentException($"No job handler is registered for kind '{kind}'.", nameof(kind));
        }

        var job = new JobRecord(
            Ids.New("job"), tenantId, kind, JobState.Queued, 0, null, 0, null,
            input is null ? null : System.Text.Json.JsonSerializer.Serialize(input, HeComputeJson.Options),
            null, null, false, [], time.GetUtcNow(), null, null, null);
        await metadata.Jobs.CreateAsync(job, cancellationToken).ConfigureAwait(false);
        LogQueued(logger, job.Id, kind, tenantId);
        signal.Notify();
        return job;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} queued for tenant {TenantId}")]
    private static partial void LogQueued(ILogger logger, string jobId, string kind, string tenantId);
}
