using System.Numerics;
using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// Limb-by-limb arithmetic on whole RNS polynomials (limb-major, NTT form) at a level, and the secret samplers of the
/// protocols. The polynomials of a key or ciphertext at the key level serve any lower level: a level's primes are a
/// prefix of the key level's, so its limbs are the first ones.
/// </summary>
internal static class PolyOps
{
    /// <summary>acc += a ⊙ b over the level's limbs.</summary>
    public static void MultiplyAdd(Level level, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> acc)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            PolyArith.MultiplyAddMod(a.Slice(j * n, n), b.Slice(j * n, n), acc.Slice(j * n, n), level.Moduli[j]);
        }
    }

    /// <summary>acc −= a ⊙ b over the level's limbs.</summary>
    public static void MultiplySubtract(Level level, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> acc, Span<ulong> scratch)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            var q = level.Moduli[j];
            var t = scratch.Slice(j * n, n);
            PolyArith.MultiplyMod(a.Slice(j * n, n), b.Slice(j * n, n), t, q);
            PolyArith.SubMod(acc.Slice(j * n, n), t, acc.Slice(j * n, n), q);
        }
    }

    /// <summary>dst = a − b over the level's limbs.</summary>
    public static void Subtract(Level level, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            PolyArith.SubMod(a.Slice(j * n, n), b.Slice(j * n, n), dst.Slice(j * n, n), level.Moduli[j]);
        }
    }

    /// <summary>acc += a over the level's limbs.</summary>
    public static void Add(Level level, ReadOnlySpan<ulong> a, Span<ulong> acc)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            PolyArith.AddMod(acc.Slice(j * n, n), a.Slice(j * n, n), acc.Slice(j * n, n), level.Moduli[j]);
        }
    }

    /// <summary>Coefficient form → NTT form, limb by limb.</summary>
    public static void Forward(Level level, Span<ulong> poly)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            level.Ntt[j].Forward(poly.Slice(j * n, n));
        }
    }

    /// <summary>A uniform ternary polynomial from <paramref name="prng"/>, in NTT form (the RKG ephemeral u_i, the PCKS mask u_i).</summary>
    public static void SampleTernary(Level level, UniformRandomGenerator prng, Span<ulong> destination)
    {
        var n = level.N;
        Span<byte> bytes = stackalloc byte[256];
        var used = bytes.Length;
        for (var i = 0; i < n; i++)
        {
            int value;
            do
            {
                if (used == bytes.Length)
                {
                    prng.Generate(bytes);
                    used = 0;
                }

                // A byte below 255 is uniform modulo 3; 255 is rejected.
                value = bytes[used++];
            }
            while (value == 255);

            Write((value % 3) - 1, level.ModuliValues, n, i, destination, default);
        }

        bytes.Clear();
        Forward(level, destination);
    }

    /// <summary>
    /// RLWE noise from <paramref name="prng"/> in NTT form: centered binomial with 21 coin pairs (σ = √10.5 ≈ 3.24), the
    /// distribution every key of the engine has.
    /// </summary>
    public static void SampleNoise(Level level, UniformRandomGenerator prng, Span<ulong> destination)
    {
        const ulong Mask21 = (1UL << 21) - 1;
        var n = level.N;
        for (var i = 0; i < n; i++)
        {
            var bits = prng.NextUInt64();
            Write(BitOperations.PopCount(bits & Mask21) - BitOperations.PopCount((bits >> 21) & Mask21), level.ModuliValues, n, i, destination, default);
        }

        Forward(level, destination);
    }

    /// <summary>A fresh uniform polynomial (Shamir coefficients): SEAL's sampler on a PRNG seeded from the OS CSPRNG.</summary>
    public static void SampleUniform(Level level, Span<ulong> destination)
    {
        using var prng = PrngFactory.CreateRandom();
        UniformSampler.SamplePolyUniform(prng, level.ModuliValues, level.N, destination);
    }

    /// <summary>
    /// Rounded continuous Gaussian of standard deviation <paramref name="sigma"/> from <paramref name="prng"/>, written
    /// into every limb (coefficient form); <paramref name="raw"/>, when not empty, receives the integers. Box–Muller on
    /// 53-bit uniforms: the smallest radius draw is 2^−53, so every value lies within √(2·53·ln 2)·σ ≈ 8.57σ, cutting
    /// a tail of mass below 10^−17 per coefficient.
    /// </summary>
    public static void SampleGaussian(ReadOnlySpan<ulong> moduli, int n, double sigma, UniformRandomGenerator prng, Span<ulong> destination, Span<long> raw)
    {
        for (var i = 0; i < n; i += 2)
        {
            var u1 = ((prng.NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));
            var u2 = (prng.NextUInt64() >> 11) * (1.0 / (1UL << 53));
            var radius = sigma * Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            Write((long)Math.Round(radius * cos), moduli, n, i, destination, raw);
            if (i + 1 < n)
            {
                Write((long)Math.Round(radius * sin), moduli, n, i + 1, destination, raw);
            }
        }
    }

    private static void Write(long value, ReadOnlySpan<ulong> moduli, int n, int index, Span<ulong> destination, Span<long> raw)
    {
        if (!raw.IsEmpty)
        {
            raw[index] = value;
        }

        var magnitude = (ulong)Math.Abs(value);
        for (var j = 0; j < moduli.Length; j++)
        {
            var q = moduli[j];
            var r = magnitude % q;
            destination[(j * n) + index] = value >= 0 || r == 0 ? r : q - r;
        }
    }

    /// <summary>Overwrites a secret buffer (kept from being optimised away).</summary>
    public static void Clear(Span<ulong> secret) => CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(secret));
}
