using System.Diagnostics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Compute;
using HeCompute.Server.Errors;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Jobs;

/// <summary>
/// Runs queued jobs, <c>HeCompute:Jobs:MaxConcurrency</c> at a time. On start it first settles the jobs a previous
/// process left running: resumable kinds go back to the queue, others are failed with the reason — none is lost.
/// On shutdown a running job is left in the running state for that same recovery.
/// </summary>
public sealed partial class JobRunner(
    IMetadataStore metadata,
    IBlobStore blobs,
    BlobCollector collector,
    JobHandlerRegistry handlers,
    JobCancellations cancellations,
    JobSignal signal,
    IServiceScopeFactory scopes,
    IOptions<HeComputeServerOptions> options,
    HeComputeMetrics metrics,
    TimeProvider time,
    ILogger<JobRunner> logger) : BackgroundService
{
    private JobsOptions Settings => options.Value.Jobs;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken).ConfigureAwait(false);
        var workers = Enumerable.Range(0, Settings.MaxConcurrency).Select(_ => WorkAsync(stoppingToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>Settles jobs left running by a previous process.</summary>
    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await metadata.Jobs.ListRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!handlers.TryGet(job.Kind, out var registration))
            {
                await FailAsync(job, $"The server restarted while the job was running, and no handler for kind '{job.Kind}' is registered any more.").ConfigureAwait(false);
            }
            else if (!registration.Resumable)
            {
                await FailAsync(job, $"Interrupted by a server restart; jobs of kind '{job.Kind}' cannot be resumed. Submit it again.").ConfigureAwait(false);
            }
            else if (job.Attempts >= Settings.MaxAttempts)
            {
                await FailAsync(job, $"Interrupted by a server restart after {job.Attempts} attempts; not resumed again.").ConfigureAwait(false);
            }
            else
            {
                await metadata.Jobs.RequeueAsync(job.Id, "resuming after a server restart", cancellationToken).ConfigureAwait(false);
                LogResumed(logger, job.Id, job.Kind, job.Attempts);
            }
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            JobRecord? job;
            try
            {
                job = await metadata.Jobs.ClaimNextAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogClaimFailed(logger, ex);
                job = null;
            }

            if (job is not null)
            {
                await RunAsync(job, stoppingToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await signal.WaitAsync(Settings.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunAsync(JobRecord job, CancellationToken stoppingToken)
    {
        if (!handlers.TryGet(job.Kind, out var registration))
        {
            await FailAsync(job, $"No handler is registered for kind '{job.Kind}'.").ConfigureAwait(false);
            return;
        }

        using var source = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        cancellations.Register(job.Id, job.TenantId, source);
        var started = Stopwatch.GetTimestamp();
        TimeSpan? retryAfter = null;
        LogStarted(logger, job.Id, job.Kind, job.Attempts);
        try
        {
            if (job.CancelRequested)
            {
                await source.CancelAsync().ConfigureAwait(false);
            }

            JobOutput output;
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var handler = (IJobHandler)scope.ServiceProvider.GetRequiredService(registration.HandlerType);
                var context = new JobContext(job, scope.ServiceProvider, metadata.Jobs, blobs, collector);
                source.Token.ThrowIfCancellationRequested();
                output = await handler.ExecuteAsync(context, source.Token).ConfigureAwait(false);
            }

            await FinishAsync(job, JobState.Succeeded, null, output.Json, started).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: leave the job running; the next start resumes or fails it (RecoverAsync).
            LogInterrupted(logger, job.Id, job.Kind);
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            await FinishAsync(job, JobState.Cancelled, "Cancelled on request while running.", null, started).ConfigureAwait(false);
        }
        catch (ComputeQueueFullException ex)
        {
            // Busy is not failed: the job waits its turn again (resumable kinds keep their checkpoint).
            await metadata.Jobs.RequeueAsync(job.Id, "waiting for compute capacity", CancellationToken.None).ConfigureAwait(false);
            LogRequeuedBusy(logger, job.Id, job.Kind);
            retryAfter = ex.RetryAfter;
        }
        catch (ComputeTenantShareExceededException ex)
        {
            // The tenant's own synchronous work holds its share: the job waits, as for a full queue.
            await metadata.Jobs.RequeueAsync(job.Id, "waiting for the tenant's compute share", CancellationToken.None).ConfigureAwait(false);
            LogRequeuedBusy(logger, job.Id, job.Kind);
            retryAfter = ex.RetryAfter;
        }
        catch (JobFailedException ex)
        {
            await FinishAsync(job, JobState.Failed, ex.Message, null, started).ConfigureAwait(false);
        }
        catch (SealException ex)
        {
            await FinishAsync(job, JobState.Failed, ex.Message, null, started).ConfigureAwait(false);
        }
        catch (DomainException ex)
        {
            await FinishAsync(job, JobState.Failed, ex.Detail, null, started).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, ex, job.Id, job.Kind);
            await FinishAsync(job, JobState.Failed, "The job failed with an internal error (logged on the server).", null, started).ConfigureAwait(false);
        }
        finally
        {
            cancellations.Unregister(job.Id);
        }

        if (retryAfter is { } wait)
        {
            // Without the pause this worker would claim the same job again at once and find the queue still full.
            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task FinishAsync(JobRecord job, JobState state, string? error, string? output, long startedTimestamp)
    {
        var now = time.GetUtcNow();
        await metadata.Jobs.FinishAsync(job.Id, state, error, output, now, now + Settings.ResultRetention, CancellationToken.None).ConfigureAwait(false);
        await DropCheckpointAsync(job).ConfigureAwait(false);
        var stateText = state.ToString().ToLowerInvariant();
        metrics.RecordJob(job.Kind, stateText, Stopwatch.GetElapsedTime(startedTimestamp));
        LogFinished(logger, job.Id, job.Kind, stateText);
    }

    private async Task FailAsync(JobRecord job, string reason)
    {
        var now = time.GetUtcNow();
        await metadata.Jobs.FinishAsync(job.Id, JobState.Failed, reason, null, now, now + Settings.ResultRetention, CancellationToken.None).ConfigureAwait(false);
        await DropCheckpointAsync(job).ConfigureAwait(false);
        metrics.RecordJob(job.Kind, "failed", TimeSpan.Zero);
        LogFailedOnRecovery(logger, job.Id, job.Kind, reason);
    }

    /// <summary>A final job is never resumed, so its checkpoint's blobs are released at once rather than at expiry.</summary>
    private async Task DropCheckpointAsync(JobRecord job)
    {
        var released = await metadata.Jobs.DropCheckpointBlobsAsync(job.Id, CancellationToken.None).ConfigureAwait(false);
        if (released.Count > 0)
        {
            await collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} started (attempt {Attempt})")]
    private static partial void LogStarted(ILogger logger, string jobId, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} finished: {State}")]
    private static partial void LogFinished(ILogger logger, string jobId, string kind, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of kind {Kind} interrupted by shutdown; it will be resumed or failed on the next start")]
    private static partial void LogInterrupted(ILogger logger, string jobId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} requeued after a restart (attempts so far {Attempts})")]
    private static partial void LogResumed(ILogger logger, string jobId, string kind, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} requeued: the compute queue is full")]
    private static partial void LogRequeuedBusy(ILogger logger, string jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of kind {Kind} failed: {Reason}")]
    private static partial void LogFailedOnRecovery(ILogger logger, string jobId, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of kind {Kind} failed with an unexpected error")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string jobId, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not claim the next job")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
