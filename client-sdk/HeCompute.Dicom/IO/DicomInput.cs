using System.Buffers.Binary;

namespace HeCompute.Dicom.IO;

/// <summary>Buffered forward reader over a stream that knows its absolute position and, for seekable streams, the end.</summary>
internal sealed class DicomInput
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _pos;
    private int _len;
    private readonly long _origin;
    private long _bufferStart;

    /// <summary>Reads <paramref name="stream"/> from its current position, which is absolute position <paramref name="start"/>.</summary>
    /// <param name="stream">The data.</param>
    /// <param name="start">Absolute position of the stream's current byte (used in offsets and for seeking).</param>
    /// <param name="end">Absolute end of the data, when known.</param>
    /// <param name="where">Describes the coordinate system for messages, or null for file offsets.</param>
    /// <param name="origin">Absolute position of the stream's position 0 (seeks go to absolute minus origin).</param>
    internal DicomInput(Stream stream, long start, long? end, string? where = null, long origin = 0)
    {
        _stream = stream;
        _bufferStart = start;
        _origin = origin;
        End = end;
        Where = where;
    }

    /// <summary>Absolute position (stream offset) of the next byte.</summary>
    internal long Position => _bufferStart + _pos;

    /// <summary>Absolute end of the data when known (seekable streams).</summary>
    internal long? End { get; }

    internal bool CanSeek => _stream.CanSeek && End is not null;

    /// <summary>Describes the coordinate system of offsets in messages (e.g. "in the inflated dataset"), or null for the file.</summary>
    internal string? Where { get; }

    internal DicomFormatException Error(string message, long offset) =>
        new(Where is null ? message : $"{message} ({Where})", offset);

    private int Fill(int needed)
    {
        // Ensures at least `needed` (<= BufferSize) bytes are buffered when the stream has them; returns the available count.
        int available = _len - _pos;
        if (available >= needed)
        {
            return available;
        }

        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, available);
            _bufferStart += _pos;
            _pos = 0;
            _len = available;
        }

        while (_len < needed)
        {
            int n;
            try
            {
                n = _stream.Read(_buffer, _len, _buffer.Length - _len);
            }
            catch (InvalidDataException ex)
            {
                throw Error("Corrupt compressed data: " + ex.Message, Position + _len);
            }

            if (n <= 0)
            {
                break;
            }

            _len += n;
        }

        return _len - _pos;
    }

    /// <summary>True when no byte is left.</summary>
    internal bool AtEnd => Fill(1) == 0;

    /// <summary>Up to <paramref name="count"/> upcoming bytes without consuming them (fewer at the end of data).</summary>
    internal ReadOnlySpan<byte> Peek(int count)
    {
        int available = Fill(count);
        return _buffer.AsSpan(_pos, Math.Min(available, count));
    }

    internal void ReadExactly(Span<byte> destination)
    {
        long start = Position;
        while (!destination.IsEmpty)
        {
            int available = Fill(1);
            if (available == 0)
            {
                throw Error($"Unexpected end of data: {destination.Length} more byte(s) needed", start);
            }

            int n = Math.Min(available, destination.Length);
            _buffer.AsSpan(_pos, n).CopyTo(destination);
            _pos += n;
            destination = destination[n..];
        }
    }

    internal ushort ReadUInt16(bool bigEndian)
    {
        Span<byte> b = stackalloc byte[2];
        ReadExactly(b);
        return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    internal uint ReadUInt32(bool bigEndian)
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Bytes left before <paramref name="limit"/> (an absolute position) or the end of the data; null when unknown.</summary>
    internal long? Remaining(long? limit)
    {
        long? end = End;
        if (limit is { } l)
        {
            end = end is { } e ? Math.Min(e, l) : l;
        }

        return end - Position;
    }

    /// <summary>Reads <paramref name="length"/> bytes; when the end is unknown, allocates only as data actually arrives.</summary>
    internal byte[] ReadBytes(long length)
    {
        long start = Position;
        if (End is { } end && length > end - start)
        {
            throw Error($"Value length {length} exceeds the {end - start} byte(s) left", start);
        }

        if (length <= BufferSize || End is not null)
        {
            byte[] result = new byte[length];
            ReadExactly(result);
            return result;
        }

        // Unknown end (non-seekable or inflating stream): grow in chunks so a huge declared length cannot force a huge allocation.
        var chunks = new List<byte[]>();
        long left = length;
        while (left > 0)
        {
            int n = (int)Math.Min(left, 1 << 20);
            byte[] chunk = new byte[n];
            ReadExactly(chunk);
            chunks.Add(chunk);
            left -= n;
        }

        byte[] all = new byte[length];
        int offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(all, offset);
            offset += chunk.Length;
        }

        return all;
    }

    /// <summary>Skips <paramref name="length"/> bytes (seeks when possible).</summary>
    internal void Skip(long length)
    {
        long start = Position;
        if (End is { } end && length > end - start)
        {
            throw Error($"Value length {length} exceeds the {end - start} byte(s) left", start);
        }

        int buffered = _len - _pos;
        if (length <= buffered)
        {
            _pos += (int)length;
            return;
        }

        if (CanSeek)
        {
            long target = start + length;
            _stream.Seek(target - _origin, SeekOrigin.Begin);
            _bufferStart = target;
            _pos = 0;
            _len = 0;
            return;
        }

        long left = length;
        while (left > 0)
        {
            int available = Fill(1);
            if (available == 0)
            {
                throw Error($"Unexpected end of data while skipping {length} byte(s)", start);
            }

            int n = (int)Math.Min(available, left);
            _pos += n;
            left -= n;
        }
    }

    /// <summary>Moves to an absolute position (seekable streams, or forward).</summary>
    internal void Seek(long position)
    {
        if (position >= _bufferStart && position <= _bufferStart + _len)
        {
            _pos = (int)(position - _bufferStart);
            return;
        }

        if (position > Position)
        {
            Skip(position - Position);
            return;
        }

        if (!_stream.CanSeek)
        {
            throw new InvalidOperationException("Cannot move backwards in a non-seekable stream.");
        }

        _stream.Seek(position - _origin, SeekOrigin.Begin);
        _bufferStart = position;
        _pos = 0;
        _len = 0;
    }

    /// <summary>True when every remaining byte is zero (consumes them; used for trailing padding).</summary>
    internal bool RestIsZero()
    {
        while (true)
        {
            int available = Fill(1);
            if (available == 0)
            {
                return true;
            }

            if (_buffer.AsSpan(_pos, available).IndexOfAnyExcept((byte)0) >= 0)
            {
                return false;
            }

            _pos += available;
        }
    }
}
