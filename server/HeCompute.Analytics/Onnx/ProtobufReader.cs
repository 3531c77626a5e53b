using System.Buffers.Binary;
using System.Text;
using HeCompute.Analytics.Models;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Onnx;

/// <summary>
/// A bounded reader of the protobuf wire format over one message's bytes: every length is checked against the bytes
/// left, varints are at most ten bytes, and anything malformed is a <see cref="ModelFormatException"/> saying where,
/// so hostile input can neither crash nor allocate more than it is long.
/// </summary>
internal ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _message;
    private int _position;

    /// <summary>A reader of the bytes of <paramref name="message"/> (named in errors).</summary>
    public ProtobufReader(ReadOnlySpan<byte> data, string message)
    {
        _data = data;
        _message = message;
        _position = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>Whether bytes are left.</summary>
    public readonly bool HasMore => _position < _data.Length;

    /// <summary>Reads the next field's tag.</summary>
    public (int Field, WireType Type) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        var type = (int)(tag & 7);
        if (field == 0 || field > int.MaxValue || type is not (0 or 1 or 2 or 5))
        {
            throw Error($"invalid tag {tag} (field {field}, wire type {type})");
        }

        return ((int)field, (WireType)type);
    }

    /// <summary>Reads a varint (at most ten bytes).</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Error("truncated varint");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Error("varint longer than ten bytes");
    }

    /// <summary>Reads a varint that must fit a non-negative int (sizes, counts, enum values).</summary>
    public int ReadInt32()
    {
        var value = (long)ReadVarint();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Error($"value {value} does not fit 32 bits");
    }

    /// <summary>Reads a signed 64-bit varint (two's complement, as int64 fields are written).</summary>
    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads four little-endian bytes.</summary>
    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Reads eight little-endian bytes.</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a length-delimited field's bytes (the length checked against the bytes left).</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Error($"length {length} runs past the end ({_data.Length - _position} bytes left)");
        }

        return Take((int)length);
    }

    /// <summary>Reads a UTF-8 string of at most <paramref name="maxBytes"/> bytes.</summary>
    public string ReadString(int maxBytes = 4096)
    {
        var bytes = ReadBytes();
        if (bytes.Length > maxBytes)
        {
            throw Error($"a string of {bytes.Length} bytes exceeds the limit of {maxBytes}");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ModelFormatException($"ONNX {_message}: a string is not valid UTF-8.", e);
        }
    }

    /// <summary>Skips a field of the given wire type.</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            default:
                ReadBytes();
                break;
        }
    }

    /// <summary>Checks that a field has the wire type its schema gives it.</summary>
    public readonly void Expect(WireType actual, WireType expected, string field)
    {
        if (actual != expected)
        {
            throw Error($"field {field} has wire type {actual}, expected {expected}");
        }
    }

    /// <summary>An error naming the message being read and the byte offset.</summary>
    public readonly ModelFormatException Error(string problem) => new($"Malformed ONNX {_message} at byte {_position}: {problem}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Error($"{count} bytes needed, {_data.Length - _position} left");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
