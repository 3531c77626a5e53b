namespace HeCompute.Server.Options;

/// <summary>The durable job runner.</summary>
public sealed class JobsOptions
{
    /// <summary>Jobs run at once. Default 1 (their computations share the compute scheduler's workers with predictions).</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>How long a finished job and its results are kept. Default 7 days.</summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often expired jobs are purged. Default 10 minutes.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the runner looks for queued jobs when not woken. Default 2 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a runner's claim on a job lasts unless renewed (it renews every third of it while the job runs). A node
    /// that dies stops renewing: another node resumes its jobs once their leases expire. Default 6 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Starts allowed per job (resumes after restarts included) before it is failed. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;
}
