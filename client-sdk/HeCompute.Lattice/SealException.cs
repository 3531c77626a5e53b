namespace HeCompute.Lattice;

/// <summary>Base type of every error the engine raises on its own behalf.</summary>
public class SealException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public SealException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">Description of the error.</param>
    public SealException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">Description of the error.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public SealException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
