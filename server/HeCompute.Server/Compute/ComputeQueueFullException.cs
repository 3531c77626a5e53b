namespace HeCompute.Server.Compute;

/// <summary>The compute queue was full, so the work was refused without being queued (the server is busy: retry later).</summary>
public sealed class ComputeQueueFullException : Exception
{
    /// <summary>Creates the exception for work of <paramref name="kind"/> refused by a queue of <paramref name="capacity"/>.</summary>
    public ComputeQueueFullException(string kind, int capacity, TimeSpan retryAfter)
        : base($"The compute queue is full ({capacity} items waiting); the {kind} computation was not queued. Retry after {retryAfter.TotalSeconds:0} s.")
    {
        Kind = kind;
        Capacity = capacity;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception.</summary>
    public ComputeQueueFullException()
        : this("compute", 0, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception.</summary>
    public ComputeQueueFullException(string message)
        : base(message)
    {
        Kind = "compute";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Creates the exception.</summary>
    public ComputeQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = "compute";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>The refused work's kind.</summary>
    public string Kind { get; }

    /// <summary>The queue's capacity.</summary>
    public int Capacity { get; }

    /// <summary>The scheduler's estimate of when room is likely (whole seconds, at least 1).</summary>
    public TimeSpan RetryAfter { get; }
}
