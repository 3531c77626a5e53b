using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
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
/// Runs queued jobs, <c>HeCompute:Jobs:MaxConcurrency</c> at a time, each under a lease (<see cref="IJobLeaseStore"/>)
/// it renews while the job runs; every checkpoint, result and final state is written under the lease's fencing token,
/// so a runner that lost its lease (too slow, or its node was declared gone) is refused rather than double-running.
/// A node that dies stops renewing: its jobs are claimed again by another node once their leases expire, and resumed
/// from their checkpoints. On start the runner settles only the jobs this node itself left running (resumable kinds go
/// back to the queue, others are failed with the reason); on shutdown it hands its resumable jobs back to the queue at
/// once, so another node (or this one after its restart) picks them up without waiting for the lease to expire.
/// </summary>
public sealed partial class JobRunner(
    IMetadataStore metadata,
    IJobLeaseStore leases,
    IOptions<Cluster.ClusterSettings> cluster,
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

    /// <summary>
    /// The name this node's leases are held under: stable across its restarts (its silo endpoint when clustered, the
    /// machine on a single node), so a restarted node recognises the jobs it left behind.
    /// </summary>
    public string Owner { get; } = cluster.Value.IsClustered
        ? string.Create(CultureInfo.InvariantCulture, $"{cluster.Value.AdvertisedAddress}:{(cluster.Value.SiloPort == 0 ? Cluster.ClusterSettings.DefaultClusteredSiloPort : cluster.Value.SiloPort)}")
        : Environment.MachineName;

    /// <summary>Jobs this node runs now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Jobs this node took over from a node whose lease had expired, since it started.</summary>
    public int TakenOver => Volatile.Read(ref _takenOver);

    private int _running;
    private int _takenOver;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken).ConfigureAwait(false);
        var workers = Enumerable.Range(0, Settings.MaxConcurrency).Select(_ => WorkAsync(stoppingToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>Settles the jobs this node's previous process left running (other nodes' jobs are left to their leases).</summary>
    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await leases.ListHeldAsync(Owner, cancellationToken).ConfigureAwait(false))
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
            JobLease? job;
            try
            {
                job = await leases.ClaimAsync(Owner, time.GetUtcNow(), Settings.LeaseDuration, stoppingToken).ConfigureAwait(false);
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

    private async Task RunAsync(JobLease lease, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        if (!handlers.TryGet(job.Kind, out var registration))
        {
            await FailAsync(lease, $"No handler is registered for kind '{job.Kind}'.").ConfigureAwait(false);
            return;
        }

        if (lease.PreviousOwner is { } previous)
        {
            Interlocked.Increment(ref _takenOver);
            LogTakenOver(logger, job.Id, job.Kind, previous);
            if (!registration.Resumable)
            {
                await FailAsync(lease, $"Interrupted: the node running it ({previous}) stopped; jobs of kind '{job.Kind}' cannot be resumed. Submit it again.").ConfigureAwait(false);
                return;
            }

            if (job.Attempts > Settings.MaxAttempts)
            {
                await FailAsync(lease, $"Interrupted after {job.Attempts - 1} attempts (the last on {previous}); not resumed again.").ConfigureAwait(false);
                return;
            }
        }

        using var source = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        cancellations.Register(job.Id, job.TenantId, source);
        using var heartbeat = new CancellationTokenSource();
        var lost = new StrongBox<bool>();
        var renewing = RenewAsync(lease, source, lost, heartbeat.Token);
        Interlocked.Increment(ref _running);
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
                var context = new JobContext(lease, scope.ServiceProvider, metadata.Jobs, leases, blobs, collector);
                source.Token.ThrowIfCancellationRequested();
                output = await handler.ExecuteAsync(context, source.Token).ConfigureAwait(false);
            }

            await FinishAsync(lease, JobState.Succeeded, null, output.Json, started).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lost.Value)
        {
            LogLeaseLost(logger, job.Id, job.Kind);
        }
        catch (JobLeaseLostException)
        {
            LogLeaseLost(logger, job.Id, job.Kind);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await HandBackAsync(lease, registration).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            await FinishAsync(lease, JobState.Cancelled, "Cancelled on request while running.", null, started).ConfigureAwait(false);
        }
        catch (ComputeQueueFullException ex)
        {
            // Busy is not failed: the job waits its turn again (resumable kinds keep their checkpoint).
            await leases.ReleaseAsync(job.Id, lease.Token, "waiting for compute capacity", CancellationToken.None).ConfigureAwait(false);
            LogRequeuedBusy(logger, job.Id, job.Kind);
            retryAfter = ex.RetryAfter;
        }
        catch (ComputeTenantShareExceededException ex)
        {
            // The tenant's own synchronous work holds its share: the job waits, as for a full queue.
            await leases.ReleaseAsync(job.Id, lease.Token, "waiting for the tenant's compute share", CancellationToken.None).ConfigureAwait(false);
            LogRequeuedBusy(logger, job.Id, job.Kind);
            retryAfter = ex.RetryAfter;
        }
        catch (JobFailedException ex)
        {
            await FinishAsync(lease, JobState.Failed, ex.Message, null, started).ConfigureAwait(false);
        }
        catch (SealException ex)
        {
            await FinishAsync(lease, JobState.Failed, ex.Message, null, started).ConfigureAwait(false);
        }
        catch (DomainException ex)
        {
            await FinishAsync(lease, JobState.Failed, ex.Detail, null, started).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, ex, job.Id, job.Kind);
            await FinishAsync(lease, JobState.Failed, "The job failed with an internal error (logged on the server).", null, started).ConfigureAwait(false);
        }
        finally
        {
            await heartbeat.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            Interlocked.Decrement(ref _running);
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

    /// <summary>
    /// Renews the lease every third of its duration until <paramref name="stop"/>; when a renewal is refused (the token
    /// is stale) the run is cancelled and marked lost, so it stops without writing.
    /// </summary>
    private async Task RenewAsync(JobLease lease, CancellationTokenSource run, StrongBox<bool> lost, CancellationToken stop)
    {
        var period = Settings.LeaseDuration / 3;
        while (true)
        {
            try
            {
                await Task.Delay(period, time, stop).ConfigureAwait(false);
                if (!await leases.RenewAsync(lease.Job.Id, lease.Token, time.GetUtcNow(), Settings.LeaseDuration, stop).ConfigureAwait(false))
                {
                    lost.Value = true;
                    await run.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed renewal (the database briefly unreachable) is retried; the lease only lapses if it stays so.
                LogRenewFailed(logger, ex, lease.Job.Id);
            }
        }
    }

    /// <summary>A graceful stop: resumable jobs go back to the queue at once; others are failed as a restart would.</summary>
    private async Task HandBackAsync(JobLease lease, JobHandlerRegistration registration)
    {
        var job = lease.Job;
        if (!registration.Resumable)
        {
            await FailAsync(lease, $"Interrupted by a server restart; jobs of kind '{job.Kind}' cannot be resumed. Submit it again.").ConfigureAwait(false);
        }
        else if (job.Attempts >= Settings.MaxAttempts)
        {
            await FailAsync(lease, $"Interrupted by a server restart after {job.Attempts} attempts; not resumed again.").ConfigureAwait(false);
        }
        else if (await leases.ReleaseAsync(job.Id, lease.Token, "handed back by a stopping node", CancellationToken.None).ConfigureAwait(false))
        {
            LogHandedBack(logger, job.Id, job.Kind);
        }
    }

    private async Task FinishAsync(JobLease lease, JobState state, string? error, string? output, long startedTimestamp)
    {
        var job = lease.Job;
        var now = time.GetUtcNow();
        if (!await leases.FinishAsync(job.Id, lease.Token, state, error, output, now, now + Settings.ResultRetention, CancellationToken.None).ConfigureAwait(false))
        {
            LogLeaseLost(logger, job.Id, job.Kind);
            return;
        }

        await DropCheckpointAsync(job).ConfigureAwait(false);
        var stateText = state.ToString().ToLowerInvariant();
        metrics.RecordJob(job.Kind, stateText, Stopwatch.GetElapsedTime(startedTimestamp));
        LogFinished(logger, job.Id, job.Kind, stateText);
    }

    private async Task FailAsync(JobLease lease, string reason)
    {
        var now = time.GetUtcNow();
        if (await leases.FinishAsync(lease.Job.Id, lease.Token, JobState.Failed, reason, null, now, now + Settings.ResultRetention, CancellationToken.None).ConfigureAwait(false))
        {
            await DropCheckpointAsync(lease.Job).ConfigureAwait(false);
            metrics.RecordJob(lease.Job.Kind, "failed", TimeSpan.Zero);
            LogFailedOnRecovery(logger, lease.Job.Id, lease.Job.Kind, reason);
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of kind {Kind} handed back to the queue at shutdown")]
    private static partial void LogHandedBack(ILogger logger, string jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of kind {Kind} taken over from {PreviousOwner}, whose lease expired")]
    private static partial void LogTakenOver(ILogger logger, string jobId, string kind, string previousOwner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of kind {Kind}: this node's lease was lost (another runner holds it); stopped without writing")]
    private static partial void LogLeaseLost(ILogger logger, string jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease on job {JobId}; retrying")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string jobId);

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
