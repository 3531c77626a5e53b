using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Samplers for the secret small polynomials (secret key, encryption randomness, noise), writing each sampled integer
/// into every RNS limb in coefficient form. Their randomness comes straight from the OS CSPRNG in bulk: these values
/// are never regenerated from a seed, so SEAL's PRNG stream is not needed here (it is used for the public uniform
/// polynomials, whose seeds are serialized).
/// </summary>
internal static class Sampler
{
    /// <summary>Uniform ternary {−1, 0, 1}.</summary>
    public static void SampleTernary(ReadOnlySpan<ulong> moduli, int n, Span<ulong> destination)
    {
        // A byte below 255 is uniform modulo 3; 255 is rejected (probability 1/256), so a small reserve covers it.
        var buffer = ArrayPool<byte>.Shared.Rent(n + 64);
        try
        {
            var bytes = buffer.AsSpan(0, n + 64);
            RandomNumberGenerator.Fill(bytes);
            var used = 0;
            for (var i = 0; i < n; i++)
            {
                int value;
                do
                {
                    if (used == bytes.Length)
                    {
                        RandomNumberGenerator.Fill(bytes);
                        used = 0;
                    }

                    value = bytes[used++];
                }
                while (value == 255);

                WriteSigned((value % 3) - 1, moduli, n, i, destination);
            }

            bytes.Clear();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Centered binomial noise with 21 coin pairs: values in [−21, 21], standard deviation √10.5 ≈ 3.24, the
    /// HomomorphicEncryption.org σ = 3.2 that SEAL also samples by default.
    /// </summary>
    public static void SampleCenteredBinomial(ReadOnlySpan<ulong> moduli, int n, Span<ulong> destination)
    {
        const ulong Mask21 = (1UL << 21) - 1;
        var buffer = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            var words = buffer.AsSpan(0, n);
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(words));
            for (var i = 0; i < n; i++)
            {
                var bits = words[i];
                var value = BitOperations.PopCount(bits & Mask21) - BitOperations.PopCount((bits >> 21) & Mask21);
                WriteSigned(value, moduli, n, i, destination);
            }

            words.Clear();
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    private static void WriteSigned(int value, ReadOnlySpan<ulong> moduli, int n, int index, Span<ulong> destination)
    {
        for (var j = 0; j < moduli.Length; j++)
        {
            destination[(j * n) + index] = value >= 0 ? (ulong)value : moduli[j] - (ulong)(-value);
        }
    }
}
