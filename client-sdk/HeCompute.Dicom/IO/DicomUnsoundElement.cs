namespace HeCompute.Dicom;

/// <summary>
/// Where a <see cref="DicomReadOptions.Partial"/> read stopped: the first top-level element that could not be read
/// whole (a value cut off by the end of the file, a header cut in the middle, a malformed sequence or fragment), and
/// why. Every element before it was read; it and everything after it were not.
/// </summary>
/// <param name="Tag">The element's tag, or null when the data ends inside the tag itself.</param>
/// <param name="Offset">Byte offset of the element's header in the source (in the inflated data for deflated syntaxes).</param>
/// <param name="Reason">What is unsound, with the byte offset where the problem was found (inside a sequence, the innermost one).</param>
/// <param name="InFileMetaInformation">Whether the element is in the File Meta Information (then the dataset was not read at all).</param>
public sealed record DicomUnsoundElement(DicomTag? Tag, long Offset, string Reason, bool InFileMetaInformation);
