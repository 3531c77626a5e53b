using System.Numerics;
using HeCompute.Ckks.Hashing;

namespace HeCompute.Ckks.Rlwe;

/// <summary>
/// Small-coefficient samplers, writing each sampled integer into every RNS limb (coefficient form). Randomness comes
/// from a PRNG seeded by the OS CSPRNG.
/// </summary>
internal static class Sampler
{
    /// <summary>Uniform ternary {−1, 0, 1}: the secret key and the public-key encryption randomness u.</summary>
    public static void SampleTernary(UniformRandomGenerator prng, ReadOnlySpan<ulong> moduli, int n, Span<ulong> destination)
    {
        Span<byte> buffer = stackalloc byte[256];
        var used = buffer.Length;
        for (var i = 0; i < n; i++)
        {
            int value;
            do
            {
                if (used == buffer.Length)
                {
                    prng.Generate(buffer);
                    used = 0;
                }

                value = buffer[used++];
            }
            while (value >= 255);

            WriteSigned(value % 3 - 1, moduli, n, i, destination);
        }
    }

    /// <summary>
    /// Centered binomial noise with 21 coin pairs: values in [−21, 21], standard deviation √10.5 ≈ 3.24, the
    /// HomomorphicEncryption.org σ = 3.2 that SEAL also samples by default.
    /// </summary>
    public static void SampleCenteredBinomial(UniformRandomGenerator prng, ReadOnlySpan<ulong> moduli, int n, Span<ulong> destination)
    {
        const ulong Mask21 = (1UL << 21) - 1;
        for (var i = 0; i < n; i++)
        {
            var bits = prng.NextUInt64();
            var value = BitOperations.PopCount(bits & Mask21) - BitOperations.PopCount((bits >> 21) & Mask21);
            WriteSigned(value, moduli, n, i, destination);
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
