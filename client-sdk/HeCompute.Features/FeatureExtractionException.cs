namespace HeCompute.Features;

/// <summary>
/// Raised when features cannot be computed from the given pixels and region of interest: an empty region (also after
/// re-segmentation), a non-finite intensity inside the region, an intensity below the histogram's lower bound, or a
/// region with no neighbouring pixel pairs for the co-occurrence matrix. Argument errors (wrong sizes, invalid options)
/// raise <see cref="ArgumentException"/> instead.
/// </summary>
public sealed class FeatureExtractionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FeatureExtractionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FeatureExtractionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public FeatureExtractionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
