using System.Buffers.Binary;
using System.IO.Compression;

namespace HeCompute.Dicom.IO;

/// <summary>Reads Part 10 files (PS3.10 section 7) and raw datasets.</summary>
internal static class DicomFileReader
{
    internal static DicomFile Read(Stream stream, string? path, DicomReadOptions? options)
    {
        options ??= DicomReadOptions.Default;
        long start = stream.CanSeek ? stream.Position : 0;
        long? end = stream.CanSeek ? stream.Length : null;
        var input = new DicomInput(stream, start, end);
        try
        {
            return ReadCore(input, stream, path, options, start);
        }
        catch (Exception ex) when (ex is not (DicomException or IOException or OperationCanceledException or OutOfMemoryException))
        {
            // Safety net: malformed input must surface as a DicomException with an offset, whatever went wrong.
            throw new DicomFormatException($"Malformed DICOM data ({ex.GetType().Name}: {ex.Message})", input.Position, ex);
        }
    }

    private static DicomFile ReadCore(DicomInput input, Stream stream, string? path, DicomReadOptions options, long start)
    {
        long? preambleOffset = null;
        byte[]? preamble = null;
        var head = input.Peek(132);
        if (head.Length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M')
        {
            preamble = head[..128].ToArray();
            preambleOffset = start;
            input.Skip(132);
        }
        else if (head.Length >= 4 && head[0] == 'D' && head[1] == 'I' && head[2] == 'C' && head[3] == 'M')
        {
            input.Skip(4); // "DICM" without the preamble
        }

        if (input.AtEnd)
        {
            throw input.Error("No DICOM data", input.Position);
        }

        var deferSource = options.DeferPixelData && input.CanSeek ? DicomValueSource.For(stream, path) : null;
        var parser = new DicomParser(input, options, deferSource);
        var meta = new DicomDataset();
        var first = input.Peek(8);
        if (first.Length >= 6 && BinaryPrimitives.ReadUInt16LittleEndian(first) == 0x0002)
        {
            // File Meta Information: Explicit VR Little Endian (some writers use implicit VR; detect by the VR bytes).
            bool explicitMeta = DicomVRInfo.TryParse(first[4], first[5], out _);
            parser.ReadingMeta = true;
            parser.ReadDataset(meta, new DicomParser.Encoding(explicitMeta, false), null, false, 0, tag => tag.Group != 0x0002);
            parser.ReadingMeta = false;
            if (parser.Unsound is { } unsound)
            {
                // A partial read whose meta information is cut: the dataset's encoding is unknown, so nothing more is read.
                return new DicomFile(meta, new DicomDataset(), path, preambleOffset, preamble) { Unsound = unsound };
            }
        }
        else if (preambleOffset is not null && first.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(first) == 0x0002)
        {
            throw input.Error("File Meta Information is big endian; PS3.10 requires little endian", input.Position);
        }

        DicomTransferSyntax? declared = null;
        if (meta.GetItem(DicomTag.TransferSyntaxUID) is DicomElement tsElement)
        {
            string uid = meta.GetString(DicomTag.TransferSyntaxUID).Trim();
            if (uid.Length > 0)
            {
                declared = DicomTransferSyntax.Lookup(uid);
            }

            _ = tsElement;
        }

        var dataset = new DicomDataset();
        if (input.AtEnd)
        {
            if (meta.Count == 0)
            {
                throw input.Error("No DICOM data", input.Position);
            }

            dataset.InternalTransferSyntax = declared ?? DicomTransferSyntax.ExplicitVRLittleEndian;
            return new DicomFile(meta, dataset, path, preambleOffset, preamble);
        }

        if (declared is { IsDeflate: true })
        {
            dataset.InternalTransferSyntax = declared;
            var unsound = ReadDeflated(input, options, dataset);
            return new DicomFile(meta, dataset, path, preambleOffset, preamble) { Unsound = unsound };
        }

        // Without a declared syntax, the first element header decides. With one, only explicit vs implicit VR is checked
        // against the data (a meta information naming the wrong one is a known writer bug); the byte order is trusted.
        // The syntax the dataset reports stays the declared one when it describes encapsulated pixel data.
        var header = input.Peek(12);
        DicomTransferSyntax encoding;
        if (declared is null)
        {
            encoding = Detect(header);
        }
        else
        {
            bool explicitData = header.Length >= 6 && DicomVRInfo.TryParse(header[4], header[5], out _);
            encoding = declared;
            if (declared.IsExplicitVR && !explicitData && !declared.IsBigEndian)
            {
                encoding = DicomTransferSyntax.ImplicitVRLittleEndian;
            }
            else if (!declared.IsExplicitVR && explicitData)
            {
                encoding = DicomTransferSyntax.ExplicitVRLittleEndian;
            }
        }

        dataset.InternalTransferSyntax = declared is { IsEncapsulated: true } ? declared : encoding;
        Func<DicomTag, bool>? stop = options.StopAtPixelData ? tag => tag == DicomTag.PixelData : null;
        parser.ReadDataset(dataset, DicomParser.Encoding.Of(encoding), null, false, 0, stop);
        return new DicomFile(meta, dataset, path, preambleOffset, preamble) { Unsound = parser.Unsound };
    }

    /// <summary>Guesses the encoding of a dataset from its first element header (PS3.5 7.1: group, element, then VR letters in explicit VR).</summary>
    internal static DicomTransferSyntax Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length < 8)
        {
            return DicomTransferSyntax.ImplicitVRLittleEndian;
        }

        if (!DicomVRInfo.TryParse(header[4], header[5], out var vr))
        {
            return DicomTransferSyntax.ImplicitVRLittleEndian; // implicit VR is always little endian
        }

        // Explicit VR: the byte order whose group number is a standard one (a dataset starts with a low group, usually
        // 0008) wins; failing that, the one whose short length field is smaller.
        ushort groupLittle = BinaryPrimitives.ReadUInt16LittleEndian(header);
        ushort groupBig = BinaryPrimitives.ReadUInt16BigEndian(header);
        bool littlePlausible = groupLittle <= 0x00FF;
        bool bigPlausible = groupBig <= 0x00FF;
        if (littlePlausible != bigPlausible)
        {
            return littlePlausible ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ExplicitVRBigEndian;
        }

        if (!DicomVRInfo.HasLongLength(vr))
        {
            ushort lengthLittle = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            ushort lengthBig = BinaryPrimitives.ReadUInt16BigEndian(header[6..]);
            if (lengthLittle != lengthBig)
            {
                return lengthBig < lengthLittle ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
            }
        }

        return groupBig < groupLittle ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
    }

    private static DicomUnsoundElement? ReadDeflated(DicomInput input, DicomReadOptions options, DicomDataset dataset)
    {
        // RFC 1951 raw deflate (PS3.5 A.5); a zlib header (RFC 1950), which some writers add, is accepted too.
        var peek = input.Peek(2);
        bool zlib = peek.Length == 2 && (peek[0] & 0x0F) == 8 && ((peek[0] << 8) | peek[1]) % 31 == 0;
        Stream compressed = new InputStream(input);
        using Stream inflated = zlib ? new ZLibStream(compressed, CompressionMode.Decompress) : new DeflateStream(compressed, CompressionMode.Decompress);
        using var limited = new LimitedReadStream(inflated, options.MaxTotalBytes);
        var inflatedInput = new DicomInput(limited, 0, null, "offset in the inflated dataset");
        var parser = new DicomParser(inflatedInput, options, null);
        Func<DicomTag, bool>? stop = options.StopAtPixelData ? tag => tag == DicomTag.PixelData : null;
        parser.ReadDataset(dataset, new DicomParser.Encoding(true, false), null, false, 0, stop);
        return parser.Unsound;
    }

    /// <summary>The rest of a <see cref="DicomInput"/> as a forward-only stream.</summary>
    private sealed class InputStream(DicomInput input) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var available = input.Peek(buffer.Length);
            available.CopyTo(buffer);
            input.Skip(available.Length);
            return available.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Fails with a <see cref="DicomException"/> when more than a limit of bytes is read (a deflate bomb).</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _read += n;
            if (_read > limit)
            {
                throw new DicomFormatException($"The inflated dataset exceeds MaxTotalBytes ({limit})", limit);
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
