using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Serialization;

/// <summary>
/// Growable little-endian builder for object bodies. Superseded buffers and <see cref="Clear"/>
/// wipe their contents, since bodies may hold secret-key material.
/// </summary>
internal sealed class SealBodyWriter : IBufferWriter<byte>
{
    private const int DefaultCapacity = 256;

    private byte[] _buffer;
    private int _count;

    /// <summary>Creates an empty writer.</summary>
    /// <param name="initialCapacity">Bytes to reserve up front; the exact body size avoids any regrowth.</param>
    public SealBodyWriter(int initialCapacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = new byte[initialCapacity];
    }

    /// <summary>Bytes written so far.</summary>
    public int WrittenCount => _count;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _count);

    /// <summary>Wipes the written bytes and starts over.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _count));
        _count = 0;
    }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _count);
        _count += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        int free = Reserve(sizeHint);
        return _buffer.AsMemory(_count, free);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int free = Reserve(sizeHint);
        return _buffer.AsSpan(_count, free);
    }

    /// <summary>Appends one byte.</summary>
    /// <param name="value">The byte.</param>
    public void WriteByte(byte value) => Append(sizeof(byte))[0] = value;

    /// <summary>Appends a little-endian 16-bit unsigned integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Append(sizeof(ushort)), value);

    /// <summary>Appends a little-endian 32-bit unsigned integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Append(sizeof(uint)), value);

    /// <summary>Appends a little-endian 64-bit unsigned integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Append(sizeof(ulong)), value);

    /// <summary>Appends a little-endian IEEE 754 double.</summary>
    /// <param name="value">The value.</param>
    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Append(sizeof(double)), value);

    /// <summary>Appends raw bytes.</summary>
    /// <param name="value">The bytes.</param>
    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Append(value.Length));

    /// <summary>Appends consecutive little-endian 64-bit words.</summary>
    /// <param name="values">The words.</param>
    public void WriteUInt64s(ReadOnlySpan<ulong> values)
    {
        Span<ulong> target = MemoryMarshal.Cast<byte, ulong>(Append(checked(values.Length * sizeof(ulong))));
        if (BitConverter.IsLittleEndian)
        {
            values.CopyTo(target);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(values, target);
        }
    }

    private Span<byte> Append(int count)
    {
        Reserve(count);
        Span<byte> span = _buffer.AsSpan(_count, count);
        _count += count;
        return span;
    }

    // Returns the free space after making sure it is at least sizeHint (at least 1) bytes.
    private int Reserve(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _count < needed)
        {
            long capacity = Math.Max((long)_buffer.Length * 2, (long)_count + needed);
            if ((long)_count + needed > Array.MaxLength)
            {
                throw new InvalidOperationException("A SEAL object body cannot exceed Array.MaxLength bytes.");
            }

            byte[] grown = new byte[Math.Min(capacity, Array.MaxLength)];
            _buffer.AsSpan(0, _count).CopyTo(grown);
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _count));
            _buffer = grown;
        }

        return _buffer.Length - _count;
    }
}
