namespace HeCompute.Dicom;

/// <summary>Pixel data that cannot be decoded: an unsupported transfer syntax, or a malformed or truncated
/// compressed stream. Never raised for a stream we decoded successfully.</summary>
public class DicomCodecException : DicomException
{
    /// <summary>Creates an exception with no message.</summary>
    public DicomCodecException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DicomCodecException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public DicomCodecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
