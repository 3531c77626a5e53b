using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// Deterministic expansion of a 512-bit seed into a byte stream identical to SEAL's
/// <c>UniformRandomGenerator</c>: the stream is the concatenation of 4096-byte blocks, block
/// <c>i</c> being a function of the seed and the 64-bit counter <c>i</c>. How many bytes each
/// call takes does not matter, only the total consumed. Not thread-safe.
/// </summary>
internal abstract class UniformRandomGenerator : IDisposable
{
    /// <summary>Size of the block produced per counter value (SEAL's <c>buffer_size_</c>).</summary>
    public const int BlockByteCount = 4096;

    /// <summary>Number of 64-bit words in a seed (SEAL's <c>prng_seed_uint64_count</c>).</summary>
    public const int SeedWordCount = 8;

    /// <summary>Number of bytes in a seed (SEAL's <c>prng_seed_byte_count</c>).</summary>
    public const int SeedByteCount = SeedWordCount * sizeof(ulong);

    private readonly ulong[] _seed;
    private readonly byte[] _block = new byte[BlockByteCount];
    private int _head = BlockByteCount;
    private ulong _counter;
    private bool _disposed;

    private protected UniformRandomGenerator(ReadOnlySpan<ulong> seed)
    {
        if (seed.Length != SeedWordCount)
        {
            throw new ArgumentException($"A PRNG seed is exactly {SeedWordCount} words.", nameof(seed));
        }

        _seed = seed.ToArray();
    }

    /// <summary>Which PRNG this is.</summary>
    public abstract PrngType Type { get; }

    /// <summary>The 8-word seed.</summary>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    public ReadOnlySpan<ulong> Seed
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _seed;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes of the stream.</summary>
    /// <param name="destination">Receives <c>destination.Length</c> bytes.</param>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    public void Generate(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!destination.IsEmpty)
        {
            // SEAL refills eagerly once a block is used up and we refill on the next demand;
            // the stream is the same either way.
            if (_head == BlockByteCount)
            {
                // Whole blocks go straight to the destination, and all of them in one call so a
                // generator can work on several at once.
                if (destination.Length >= BlockByteCount)
                {
                    int blocks = destination.Length / BlockByteCount;
                    FillBlocks(_counter, destination[..(blocks * BlockByteCount)]);
                    _counter += (ulong)blocks;
                    destination = destination[(blocks * BlockByteCount)..];
                    continue;
                }

                FillBlock(_counter, _block);
                _counter++;
                _head = 0;
            }

            int count = Math.Min(destination.Length, BlockByteCount - _head);
            _block.AsSpan(_head, count).CopyTo(destination);
            _head += count;
            destination = destination[count..];
        }
    }

    /// <summary>Returns the next 8 bytes of the stream as a little-endian integer.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    public ulong NextUInt64()
    {
        // Small enough to inline. Dispose leaves _head at the end of the block, so a disposed
        // generator always takes the slow path, which throws.
        int head = _head;
        if (head <= BlockByteCount - sizeof(ulong))
        {
            _head = head + sizeof(ulong);
            return BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(head, sizeof(ulong)));
        }

        return NextUInt64Slow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong NextUInt64Slow()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        Generate(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>Wipes seed and buffered output.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Wipes seed and buffered output.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_seed.AsSpan()));
        CryptographicOperations.ZeroMemory(_block);
        _head = BlockByteCount;
        _disposed = true;
    }

    /// <summary>The seed as SEAL hands it to the hash: its words' little-endian bytes.</summary>
    private protected void WriteSeedBytes(Span<byte> destination)
    {
        for (int i = 0; i < SeedWordCount; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(i * sizeof(ulong))..], _seed[i]);
        }
    }

    /// <summary>Produces block number <paramref name="counter"/> of the stream.</summary>
    private protected abstract void FillBlock(ulong counter, Span<byte> block);

    /// <summary>
    /// Produces blocks <paramref name="counter"/>, <paramref name="counter"/> + 1, ... back to back;
    /// <paramref name="blocks"/> is a non-zero whole number of blocks.
    /// </summary>
    private protected virtual void FillBlocks(ulong counter, Span<byte> blocks)
    {
        for (int offset = 0; offset < blocks.Length; offset += BlockByteCount)
        {
            FillBlock(counter++, blocks.Slice(offset, BlockByteCount));
        }
    }
}
