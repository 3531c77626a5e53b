namespace HeCompute.Server.Compute;

/// <summary>Compute work did not finish within its deadline; its token was cancelled and its result, if any, discarded.</summary>
public sealed class ComputeDeadlineExceededException : Exception
{
    /// <summary>Creates the exception for work of <paramref name="kind"/> with <paramref name="deadline"/>.</summary>
    public ComputeDeadlineExceededException(string kind, TimeSpan deadline)
        : base($"The {kind} computation did not finish within its deadline of {deadline.TotalSeconds:0.###} s.")
    {
        Kind = kind;
        Deadline = deadline;
    }

    /// <summary>Creates the exception.</summary>
    public ComputeDeadlineExceededException()
        : this("compute", TimeSpan.Zero)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ComputeDeadlineExceededException(string message)
        : base(message)
    {
        Kind = "compute";
    }

    /// <summary>Creates the exception.</summary>
    public ComputeDeadlineExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = "compute";
    }

    /// <summary>The work's kind.</summary>
    public string Kind { get; }

    /// <summary>The deadline it had, counted from queueing.</summary>
    public TimeSpan Deadline { get; }
}
