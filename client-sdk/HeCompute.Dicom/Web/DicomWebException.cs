namespace HeCompute.Dicom.Web;

/// <summary>A DICOMweb request failed: the server answered an error status, or its answer is not what PS3.18
/// describes (a search result that is not a DICOM JSON array, a retrieve that is not multipart/related DICOM).</summary>
public sealed class DicomWebException : DicomException
{
    /// <summary>Creates an exception with no message.</summary>
    public DicomWebException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DicomWebException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public DicomWebException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status the server answered, when it answered one.</summary>
    public int? StatusCode { get; init; }
}
