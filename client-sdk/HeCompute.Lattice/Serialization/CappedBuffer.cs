using System.Security.Cryptography;

namespace HeCompute.Lattice.Serialization;

/// <summary>
/// Growable output for decompression that never grows past a hard limit, so a stream that
/// inflates beyond what the caller allowed is caught without ever allocating for it.
/// Superseded arrays are wiped because bodies may hold secret-key material.
/// </summary>
internal sealed class CappedBuffer
{
    private readonly int _limit;
    private byte[] _buffer;

    public CappedBuffer(long initialCapacity, int limit)
    {
        _limit = limit;
        _buffer = new byte[Math.Clamp(initialCapacity, 1, limit)];
    }

    public int Length { get; private set; }

    public bool IsAtLimit => Length == _limit;

    /// <summary>Free space to decompress into; grows the buffer when full, unless already at the limit.</summary>
    public Span<byte> FreeSpan
    {
        get
        {
            if (Length == _buffer.Length && _buffer.Length < _limit)
            {
                int capacity = (int)Math.Min((long)_buffer.Length * 2, _limit);
                byte[] grown = new byte[capacity];
                _buffer.AsSpan(0, Length).CopyTo(grown);
                CryptographicOperations.ZeroMemory(_buffer);
                _buffer = grown;
            }

            return _buffer.AsSpan(Length);
        }
    }

    public void Advance(int count) => Length += count;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>Returns the content in an array of exactly <see cref="Length"/> bytes.</summary>
    public byte[] Detach()
    {
        if (_buffer.Length == Length)
        {
            return _buffer;
        }

        byte[] result = _buffer.AsSpan(0, Length).ToArray();
        CryptographicOperations.ZeroMemory(_buffer);
        _buffer = [];
        return result;
    }
}
