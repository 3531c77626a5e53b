namespace HeCompute.Dicom;

/// <summary>Any error about DICOM data: malformed input (with the byte offset where it was found), or a value that cannot be converted.</summary>
public class DicomException : Exception
{
    /// <summary>Creates an exception.</summary>
    public DicomException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DicomException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public DicomException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the input at <paramref name="offset"/>.</summary>
    public DicomException(string message, long? offset, Exception? innerException = null)
        : base(offset is { } o ? $"{message} (at byte offset {o})" : message, innerException)
    {
        Offset = offset;
    }

    /// <summary>Byte offset in the source where the problem was found (in the inflated stream for deflated syntaxes), when known.</summary>
    public long? Offset { get; }
}

/// <summary>The input is not well-formed DICOM (PS3.5 / PS3.10 encoding).</summary>
public class DicomFormatException : DicomException
{
    /// <summary>Creates an exception.</summary>
    public DicomFormatException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DicomFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public DicomFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the input at <paramref name="offset"/>.</summary>
    public DicomFormatException(string message, long? offset, Exception? innerException = null)
        : base(message, offset, innerException)
    {
    }
}

/// <summary>A value cannot be read as the requested type, or the attribute is missing.</summary>
public class DicomDataException : DicomException
{
    /// <summary>Creates an exception.</summary>
    public DicomDataException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DicomDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public DicomDataException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
