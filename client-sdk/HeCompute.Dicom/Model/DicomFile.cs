using HeCompute.Dicom.IO;

namespace HeCompute.Dicom;

/// <summary>A DICOM file: File Meta Information (group 0002) and the dataset (PS3.10 section 7).</summary>
public sealed class DicomFile
{
    /// <summary>Creates a file for <paramref name="dataset"/>; the meta information is filled in when saving.</summary>
    public DicomFile(DicomDataset dataset)
        : this(new DicomDataset(), dataset)
    {
    }

    /// <summary>Creates a file from meta information and a dataset.</summary>
    public DicomFile(DicomDataset fileMetaInfo, DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(fileMetaInfo);
        ArgumentNullException.ThrowIfNull(dataset);
        FileMetaInfo = fileMetaInfo;
        Dataset = dataset;
    }

    internal DicomFile(DicomDataset fileMetaInfo, DicomDataset dataset, string? path, long? preambleOffset, byte[]? preamble)
        : this(fileMetaInfo, dataset)
    {
        FilePath = path;
        PreambleOffset = preambleOffset;
        Preamble = preamble;
    }

    /// <summary>The File Meta Information elements (empty for a raw dataset without meta information).</summary>
    public DicomDataset FileMetaInfo { get; }

    /// <summary>The dataset.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>The path the file was opened from, if any.</summary>
    public string? FilePath { get; }

    /// <summary>Offset of the 128-byte preamble in the source (the start of the data), or null when the file had no preamble.</summary>
    public long? PreambleOffset { get; }

    /// <summary>The 128-byte preamble as read (null when absent). It is not written back: saved files get a zero preamble.</summary>
    public ReadOnlyMemory<byte>? Preamble { get; }

    /// <summary>
    /// With <see cref="DicomReadOptions.Partial"/>, the first element the read could not take whole, where and why; null
    /// when the whole file was read (always null for a strict read, which raises instead).
    /// </summary>
    public DicomUnsoundElement? Unsound { get; internal set; }

    /// <summary>The transfer syntax of the dataset.</summary>
    public DicomTransferSyntax TransferSyntax => Dataset.InternalTransferSyntax;

    /// <summary>Opens a Part 10 file or a raw dataset.</summary>
    /// <exception cref="DicomException">The data is not well-formed DICOM (with the byte offset).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return DicomFileReader.Read(stream, Path.GetFullPath(path), options);
    }

    /// <summary>
    /// Reads a Part 10 file or raw dataset from <paramref name="stream"/>, starting at its current position. Deferred
    /// pixel data is read later from the same stream (or from the file, for a <see cref="FileStream"/>), so keep a
    /// non-file stream open while using it.
    /// </summary>
    /// <exception cref="DicomException">The data is not well-formed DICOM (with the byte offset).</exception>
    public static DicomFile Open(Stream stream, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return DicomFileReader.Read(stream, null, options);
    }

    /// <summary>
    /// Reads from <paramref name="stream"/> asynchronously: a non-seekable stream is first copied into memory (at most
    /// <see cref="DicomReadOptions.MaxTotalBytes"/>), a seekable one is parsed on a worker thread.
    /// </summary>
    /// <exception cref="DicomException">The data is not well-formed DICOM (with the byte offset).</exception>
    public static async Task<DicomFile> OpenAsync(Stream stream, DicomReadOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomReadOptions.Default;
        if (stream.CanSeek)
        {
            return await Task.Run(() => DicomFileReader.Read(stream, null, options), ct).ConfigureAwait(false);
        }

        var memory = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + n > options.MaxTotalBytes)
            {
                throw new DicomFormatException($"The stream holds more than MaxTotalBytes ({options.MaxTotalBytes})", memory.Length);
            }

            memory.Write(buffer, 0, n);
        }

        memory.Position = 0;
        return DicomFileReader.Read(memory, null, options);
    }

    /// <summary>Writes a Part 10 file (Explicit VR Little Endian; encapsulated pixel data keeps its transfer syntax).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Save(stream);
    }

    /// <summary>Writes a Part 10 file to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        DicomFileWriter.Write(this, stream);
    }

    /// <summary>Writes a Part 10 file to <paramref name="stream"/> on a worker thread.</summary>
    public Task SaveAsync(Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Task.Run(() => Save(stream), ct);
    }
}
