using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Jobs;

/// <summary>Deletes finished jobs past their expiry, with their result blobs, every <c>HeCompute:Jobs:PurgeInterval</c>.</summary>
public sealed partial class JobPurgeService(
    IMetadataStore metadata, BlobCollector collector, IOptions<HeComputeServerOptions> options, TimeProvider time, ILogger<JobPurgeService> logger)
    : BackgroundService
{
    /// <summary>Purges once; returns how many result blobs were deleted.</summary>
    public async Task<int> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var released = await metadata.Jobs.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return released.Count == 0 ? 0 : await collector.ReleaseAsync(released, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Jobs.PurgeInterval, time);
        try
        {
            do
            {
                try
                {
                    await PurgeOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPurgeFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Purging expired jobs failed")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
