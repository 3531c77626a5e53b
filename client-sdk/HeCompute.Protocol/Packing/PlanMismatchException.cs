namespace HeCompute.Protocol.Packing;

/// <summary>A plan is inconsistent with itself, with the encryption parameters it carries, or with the data given to it.</summary>
public sealed class PlanMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PlanMismatchException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PlanMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PlanMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
