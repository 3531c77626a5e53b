using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeCompute.Lattice.Hashing;

/// <summary>Uniform sampling of RNS polynomials, draw-for-draw identical to SEAL.</summary>
internal static class UniformSampler
{
    /// <summary>
    /// SEAL's <c>sample_poly_uniform</c>: first draws <c>moduli.Length * n</c> words in one go
    /// straight into <paramref name="dest"/>; then, prime by prime and coefficient by coefficient,
    /// replaces every word <c>r &gt;= 2^64 - 1 - ((2^64 - 1) mod q) - 1</c> by fresh words from the
    /// stream until one is below that bound, and reduces it mod <c>q</c>.
    /// </summary>
    /// <param name="prng">Source of randomness; advanced by exactly the bytes SEAL would consume.</param>
    /// <param name="moduli">The primes <c>q_j</c>, each at least 2.</param>
    /// <param name="n">Coefficients per prime.</param>
    /// <param name="dest">
    /// Receives the polynomial limb-major (prime <c>j</c> at <c>[j*n, (j+1)*n)</c>), values in
    /// <c>[0, q_j)</c>. Must hold at least <c>moduli.Length * n</c> words; only those are written.
    /// </param>
    /// <exception cref="ArgumentException">A modulus below 2, negative <paramref name="n"/>, or <paramref name="dest"/> too short.</exception>
    public static void SamplePolyUniform(UniformRandomGenerator prng, ReadOnlySpan<ulong> moduli, int n, Span<ulong> dest)
    {
        ArgumentNullException.ThrowIfNull(prng);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        long count = (long)moduli.Length * n;
        if (count > dest.Length)
        {
            throw new ArgumentException($"Destination holds {dest.Length} words but {count} are needed.", nameof(dest));
        }

        foreach (ulong q in moduli)
        {
            if (q < 2)
            {
                throw new ArgumentException($"Modulus {q} is below 2.", nameof(moduli));
            }
        }

        Span<ulong> words = dest[..(int)count];
        prng.Generate(MemoryMarshal.AsBytes(words));

        for (int j = 0; j < moduli.Length; j++)
        {
            ulong q = moduli[j];

            // With L the largest multiple of q below 2^64, SEAL rejects L-1 along with [L, 2^64).
            // The extra rejection costs nothing measurable but must be kept to stay draw-for-draw in step.
            ulong bound = ulong.MaxValue - (ulong.MaxValue % q) - 1;
            ulong ratio = BarrettRatio(q);
            foreach (ref ulong word in words.Slice(j * n, n))
            {
                ulong r = BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
                while (r >= bound)
                {
                    r = prng.NextUInt64();
                }

                word = Reduce(r, q, ratio);
            }
        }
    }

    /// <summary>The Barrett constant for <see cref="Reduce"/>: <c>floor((2^64 - 1) / q)</c>.</summary>
    internal static ulong BarrettRatio(ulong q) => ulong.MaxValue / q;

    /// <summary>
    /// <c>x mod q</c> without a division. The ratio is at least <c>2^64 / q - 1</c>, so the quotient
    /// estimate <c>floor(x * ratio / 2^64)</c> is at most <c>x / q</c> and falls short of
    /// <c>floor(x / q)</c> by at most one: <c>x - estimate * q</c> lies in <c>[0, 2q)</c> and never
    /// exceeds <c>x</c>, so it fits in 64 bits and one conditional subtraction finishes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Reduce(ulong x, ulong q, ulong ratio)
    {
        ulong r = x - (Math.BigMul(x, ratio, out _) * q);
        return r >= q ? r - q : r;
    }
}
