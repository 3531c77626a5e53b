using System.Security.Cryptography;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// BLAKE2Xb extendable-output function (Aumasson et al., "BLAKE2X"), exactly as the BLAKE2
/// reference code that SEAL ships computes it: a keyed BLAKE2b root over the input, then one
/// BLAKE2b output node per 64 bytes of output, each hashing the 64-byte root.
/// </summary>
internal static class Blake2xb
{
    private const int NodeBytes = Blake2bState.MaxDigestBytes;

    /// <summary>Largest output length; 2^32-1 is reserved by BLAKE2X for "length unknown in advance".</summary>
    public const long MaxOutputBytes = uint.MaxValue - 1L;

    /// <summary>Computes BLAKE2Xb of <paramref name="input"/> with output length <c>output.Length</c>.</summary>
    /// <param name="input">Message bytes.</param>
    /// <param name="output">Receives the output; its length (at least 1) is part of the computation.</param>
    /// <param name="key">Optional key of 0..64 bytes.</param>
    /// <exception cref="ArgumentException">Output empty or key longer than 64 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> key = default)
    {
        if (output.IsEmpty)
        {
            throw new ArgumentException("BLAKE2Xb output must be at least one byte.", nameof(output));
        }

        if (key.Length > Blake2b.MaxKeyBytes)
        {
            throw new ArgumentException($"BLAKE2Xb keys are at most {Blake2b.MaxKeyBytes} bytes.", nameof(key));
        }

        // Both root and output nodes carry the total output length in the upper half of the
        // node-offset word; that is what makes outputs of different lengths unrelated.
        ulong xofLength = (ulong)(uint)output.Length << 32;

        var state = default(Blake2bState);
        state.Initialize(Blake2bState.ParameterWord0(NodeBytes, key.Length, fanout: 1, depth: 1, leafLength: 0), xofLength, 0);
        if (!key.IsEmpty)
        {
            state.AbsorbKey(key);
        }

        state.Update(input);
        Span<byte> root = stackalloc byte[NodeBytes];
        state.Final(root);

        // Output nodes: fanout 0, depth 0, leaf and inner length 64, node depth 0, node offset = index.
        const ulong nodeWord2 = (ulong)NodeBytes << 8;
        for (uint node = 0; !output.IsEmpty; node++)
        {
            int size = Math.Min(NodeBytes, output.Length);
            state.Initialize(Blake2bState.ParameterWord0(size, 0, fanout: 0, depth: 0, leafLength: NodeBytes), xofLength | node, nodeWord2);
            state.Update(root);
            state.Final(output[..size]);
            output = output[size..];
        }

        CryptographicOperations.ZeroMemory(root);
        state.Clear();
    }
}
