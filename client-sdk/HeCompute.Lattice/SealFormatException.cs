namespace HeCompute.Lattice;

/// <summary>
/// Serialized data is malformed, truncated, oversized or otherwise not something SEAL would have written.
/// </summary>
public sealed class SealFormatException : SealException
{
    /// <summary>Creates an exception with a default message.</summary>
    public SealFormatException()
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">Description of the error.</param>
    public SealFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">Description of the error.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public SealFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that records where in the data the problem was found.</summary>
    /// <param name="message">Description of the error.</param>
    /// <param name="offset">Byte offset of the problem (see <see cref="Offset"/>).</param>
    public SealFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})")
    {
        Offset = offset;
    }

    /// <summary>
    /// Byte offset of the problem, when known: from the start of the serialized object for
    /// envelope errors, from the start of the (decompressed) body for body-parsing errors.
    /// </summary>
    public long? Offset { get; }

    /// <summary>Whether the stream ended before the object did (SEALNet reports this as an <see cref="EndOfStreamException"/>).</summary>
    public bool IsEndOfStream { get; private init; }

    /// <summary>The stream ended before the object did.</summary>
    internal static SealFormatException EndOfStream(string message, long offset) => new(message, offset) { IsEndOfStream = true };
}
