namespace HeCompute.Server.Storage;

/// <summary>A streamed body exceeded its limit (mapped to 413).</summary>
public sealed class PayloadTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException(string message, long limit)
        : base(message) => Limit = limit;

    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long Limit { get; }
}
