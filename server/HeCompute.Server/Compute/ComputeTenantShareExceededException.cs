namespace HeCompute.Server.Compute;

/// <summary>
/// The tenant already holds its share of the compute scheduler (queued and running items), so this work was refused
/// without being queued; other tenants' work is still admitted.
/// </summary>
public sealed class ComputeTenantShareExceededException : Exception
{
    /// <summary>Creates the exception for work of <paramref name="kind"/> beyond a share of <paramref name="share"/> items.</summary>
    public ComputeTenantShareExceededException(string kind, int share, TimeSpan retryAfter)
        : base($"This tenant already has {share} computations queued or running, its share of the server; the {kind} computation was not queued. " +
            $"Retry after {retryAfter.TotalSeconds:0} s.")
    {
        Kind = kind;
        Share = share;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception.</summary>
    public ComputeTenantShareExceededException()
        : this("compute", 0, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception.</summary>
    public ComputeTenantShareExceededException(string message)
        : base(message)
    {
        Kind = "compute";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Creates the exception.</summary>
    public ComputeTenantShareExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = "compute";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>The refused work's kind.</summary>
    public string Kind { get; }

    /// <summary>Items one tenant may hold.</summary>
    public int Share { get; }

    /// <summary>The scheduler's estimate of when room is likely (whole seconds, at least 1).</summary>
    public TimeSpan RetryAfter { get; }
}
