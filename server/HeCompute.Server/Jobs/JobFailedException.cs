namespace HeCompute.Server.Jobs;

/// <summary>A job failed for a reason the tenant may read (stored as the job's error).</summary>
public sealed class JobFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobFailedException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobFailedException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }
}
