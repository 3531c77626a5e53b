namespace HeCompute.Server.Jobs;

/// <summary>Wakes the runner when a job is queued (it also polls, for jobs queued by other processes).</summary>
public sealed class JobSignal
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    /// <summary>Wakes one waiting worker.</summary>
    public void Notify() => _signal.Release();

    /// <summary>Waits for a notification or the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
