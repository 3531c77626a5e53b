namespace HeCompute.Dicom.Deidentification;

/// <summary>A dataset the de-identifier refuses to process. Messages never contain attribute values.</summary>
public class DeidentificationException : Exception
{
    /// <summary>Creates an exception.</summary>
    public DeidentificationException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DeidentificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public DeidentificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The pixel data has, or may have, identifying text burned in (BurnedInAnnotation = YES, or a modality / SOP class
/// that typically has it without BurnedInAnnotation = NO). Set <see cref="DeidentificationOptions.AllowBurnedInAnnotation"/>
/// only when the pixels have been cleaned or checked.
/// </summary>
public sealed class BurnedInAnnotationException : DeidentificationException
{
    /// <summary>Creates an exception.</summary>
    public BurnedInAnnotationException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public BurnedInAnnotationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public BurnedInAnnotationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
