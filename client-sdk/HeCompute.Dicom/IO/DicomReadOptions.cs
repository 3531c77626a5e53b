namespace HeCompute.Dicom;

/// <summary>How <see cref="DicomFile.Open(string, DicomReadOptions?)"/> reads.</summary>
public sealed record DicomReadOptions
{
    /// <summary>The defaults.</summary>
    public static DicomReadOptions Default { get; } = new();

    /// <summary>
    /// Leave top-level pixel data (7FE0,0008/0009/0010, native value or encapsulated fragments) in a seekable source
    /// and record offsets and lengths; the bytes are read on access. Ignored for non-seekable streams and deflated files.
    /// </summary>
    public bool DeferPixelData { get; init; } = true;

    /// <summary>Largest value the reader allocates for one element (a larger declared length is malformed input).</summary>
    public long MaxElementLength { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest total of value bytes the reader allocates for one file (and largest inflated size of a deflated dataset).</summary>
    public long MaxTotalBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Stop before the top-level Pixel Data (7FE0,0010): the dataset ends there.</summary>
    public bool StopAtPixelData { get; init; }

    /// <summary>
    /// Read what is sound and report the rest instead of refusing the file: the read stops at the first top-level element
    /// that cannot be read whole (a truncated last element, a header cut by the end of the file, malformed contents),
    /// keeps every element before it, and names it in <see cref="DicomFile.Unsound"/> with its byte offset and the reason.
    /// Off by default: a strict read raises <see cref="DicomFormatException"/> for the same data. Group lengths are never
    /// used to find the end of a group, so a wrong one does not derail either mode (as pydicom and dcmtk read on).
    /// </summary>
    public bool Partial { get; init; }

    /// <summary>Deepest nesting of sequences accepted.</summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>
    /// Most passes through the parser's element, item and fragment loops (unbounded by default). Tests set a bound linear
    /// in the input size, so a parser that loops without progress fails deterministically instead of hanging a run.
    /// </summary>
    internal long MaxParserSteps { get; init; } = long.MaxValue;
}
