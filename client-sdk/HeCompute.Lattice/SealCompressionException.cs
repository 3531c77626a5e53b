namespace HeCompute.Lattice;

/// <summary>The compression mode is unsupported or the compressed stream is corrupt.</summary>
public sealed class SealCompressionException : SealException
{
    /// <summary>Creates an exception with a default message.</summary>
    public SealCompressionException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">Description of the error.</param>
    public SealCompressionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">Description of the error.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public SealCompressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
