using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace HeCompute.Lattice.Serialization;

/// <summary>
/// Little-endian cursor over an object body. Every read is bounds-checked; running past the end
/// throws <see cref="SealFormatException"/> carrying the body offset of the failed read.
/// </summary>
internal ref struct SealBodyReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    /// <summary>Starts reading at the first byte of <paramref name="body"/>.</summary>
    /// <param name="body">The (decompressed) object body.</param>
    public SealBodyReader(ReadOnlySpan<byte> body)
    {
        _body = body;
        _position = 0;
    }

    /// <summary>Offset of the next byte to be read, from the start of the body.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _body.Length - _position;

    /// <summary>Reads one byte.</summary>
    /// <returns>The byte.</returns>
    public byte ReadByte() => Take(sizeof(byte))[0];

    /// <summary>Reads a little-endian 16-bit unsigned integer.</summary>
    /// <returns>The value.</returns>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort)));

    /// <summary>Reads a little-endian 32-bit unsigned integer.</summary>
    /// <returns>The value.</returns>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)));

    /// <summary>Reads a little-endian 64-bit unsigned integer.</summary>
    /// <returns>The value.</returns>
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));

    /// <summary>Reads a little-endian IEEE 754 double.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double)));

    /// <summary>Fills <paramref name="destination"/> with the next bytes.</summary>
    /// <param name="destination">Receives <c>destination.Length</c> bytes.</param>
    public void ReadBytes(scoped Span<byte> destination) => Take(destination.Length).CopyTo(destination);

    /// <summary>Returns the next <paramref name="count"/> bytes without copying.</summary>
    /// <param name="count">Number of bytes.</param>
    /// <returns>A view into the body.</returns>
    public ReadOnlySpan<byte> ReadSpan(int count) => Take(count);

    /// <summary>Fills <paramref name="destination"/> with consecutive little-endian 64-bit words.</summary>
    /// <param name="destination">Receives <c>destination.Length</c> words.</param>
    public void ReadUInt64s(scoped Span<ulong> destination)
    {
        if (destination.Length > Remaining / sizeof(ulong))
        {
            throw Truncated((long)destination.Length * sizeof(ulong));
        }

        MemoryMarshal.Cast<byte, ulong>(Take(destination.Length * sizeof(ulong))).CopyTo(destination);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(destination, destination);
        }
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    /// <param name="count">Number of bytes.</param>
    public void Skip(int count) => Take(count);

    /// <summary>Requires that the whole body has been consumed, as SEAL's loaders require.</summary>
    /// <exception cref="SealFormatException">Unread bytes remain.</exception>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
        {
            throw new SealFormatException($"{Remaining} unexpected trailing bytes in body", _position);
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw Truncated(count);
        }

        ReadOnlySpan<byte> slice = _body.Slice(_position, count);
        _position += count;
        return slice;
    }

    private readonly SealFormatException Truncated(long count) =>
        count < 0
            ? new SealFormatException($"negative read length {count}", _position)
            : new SealFormatException($"body truncated: need {count} bytes, {Remaining} left", _position);
}
