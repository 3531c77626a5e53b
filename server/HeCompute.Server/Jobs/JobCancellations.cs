using System.Collections.Concurrent;

namespace HeCompute.Server.Jobs;

/// <summary>The cancellation sources of the jobs running in this process.</summary>
public sealed class JobCancellations
{
    private readonly ConcurrentDictionary<string, (string TenantId, CancellationTokenSource Source)> _running = new(StringComparer.Ordinal);

    internal void Register(string jobId, string tenantId, CancellationTokenSource source) => _running[jobId] = (tenantId, source);

    internal void Unregister(string jobId) => _running.TryRemove(jobId, out _);

    /// <summary>Signals a running job's token; false if it is not running here.</summary>
    public bool Cancel(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var entry))
        {
            return false;
        }

        try
        {
            entry.Source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return true;
    }

    /// <summary>Signals every running job of a tenant; returns how many.</summary>
    public int CancelTenant(string tenantId) =>
        _running.Where(pair => pair.Value.TenantId == tenantId).Count(pair => Cancel(pair.Key));
}
