using System.Buffers.Binary;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// BLAKE2b (RFC 7693), the hash SEAL uses for <c>parms_id</c> and as the core of its default PRNG.
/// </summary>
internal static class Blake2b
{
    /// <summary>Largest digest BLAKE2b produces, in bytes.</summary>
    public const int MaxOutputBytes = Blake2bState.MaxDigestBytes;

    /// <summary>Largest key BLAKE2b accepts, in bytes.</summary>
    public const int MaxKeyBytes = Blake2bState.MaxKeyBytes;

    /// <summary>
    /// Computes BLAKE2b of <paramref name="input"/> with digest length <c>output.Length</c>,
    /// optionally keyed (MAC mode).
    /// </summary>
    /// <param name="input">Message bytes.</param>
    /// <param name="output">Receives the digest; its length (1..64) selects the digest length.</param>
    /// <param name="key">Optional key of 0..64 bytes; empty means unkeyed.</param>
    /// <exception cref="ArgumentException">Output or key length out of range.</exception>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> key = default)
    {
        ValidateOutput(output);
        if (key.Length > MaxKeyBytes)
        {
            throw new ArgumentException($"BLAKE2b keys are at most {MaxKeyBytes} bytes.", nameof(key));
        }

        var state = default(Blake2bState);
        state.Initialize(Blake2bState.ParameterWord0(output.Length, key.Length, fanout: 1, depth: 1, leafLength: 0), 0, 0);
        if (!key.IsEmpty)
        {
            state.AbsorbKey(key);
        }

        state.Update(input);
        state.Final(output);
        state.Clear();
    }

    /// <summary>
    /// Computes unkeyed BLAKE2b over the little-endian bytes of <paramref name="input"/>,
    /// which is how SEAL derives <c>parms_id</c> (BLAKE2b-256 over a <c>uint64_t</c> array).
    /// </summary>
    /// <param name="input">Words to hash, each serialized as 8 little-endian bytes.</param>
    /// <param name="output">Receives the digest; its length (1..64) selects the digest length.</param>
    /// <exception cref="ArgumentException">Output length out of range.</exception>
    public static void HashWords(ReadOnlySpan<ulong> input, Span<byte> output)
    {
        ValidateOutput(output);

        var state = default(Blake2bState);
        state.Initialize(Blake2bState.ParameterWord0(output.Length, 0, fanout: 1, depth: 1, leafLength: 0), 0, 0);

        // Serializing through a block-sized staging buffer gives the same bytes on any host endianness.
        const int wordsPerChunk = Blake2bState.BlockBytes / sizeof(ulong);
        Span<byte> chunk = stackalloc byte[Blake2bState.BlockBytes];
        while (!input.IsEmpty)
        {
            int count = Math.Min(wordsPerChunk, input.Length);
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(chunk[(i * sizeof(ulong))..], input[i]);
            }

            state.Update(chunk[..(count * sizeof(ulong))]);
            input = input[count..];
        }

        state.Final(output);
    }

    private static void ValidateOutput(Span<byte> output)
    {
        if (output.Length is < 1 or > MaxOutputBytes)
        {
            throw new ArgumentException($"BLAKE2b output length must be 1..{MaxOutputBytes} bytes.", nameof(output));
        }
    }
}
