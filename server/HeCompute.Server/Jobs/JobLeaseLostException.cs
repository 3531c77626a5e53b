namespace HeCompute.Server.Jobs;

/// <summary>
/// This runner's lease on a job is gone (it was too slow to renew it and another runner took the job over, or the job
/// was handed back): the write was refused under the stale fencing token, and the run stops without writing more.
/// </summary>
public sealed class JobLeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobLeaseLostException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobLeaseLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobLeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The exception for a write to <paramref name="jobId"/> refused under a stale token.</summary>
    public static JobLeaseLostException For(string jobId) => new($"The lease on job {jobId} was lost; another runner holds it now.");
}
