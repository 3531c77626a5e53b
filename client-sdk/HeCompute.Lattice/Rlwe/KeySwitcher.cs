using System.Buffers;
using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Hybrid key switching with one-prime digits and one special prime P (the gadget product shared by relinearization
/// and rotations). Given t in NTT form at a level with primes q_0..q_(k−1) and a key for s′, adds to (c0, c1) an
/// encryption under s of t·s′: each digit [t]_(q_j) is lifted to every prime and to P, multiplied by key part j, and
/// the sum is divided by P with rounding (mod-down). Knows nothing of encoding or of what s′ is.
/// </summary>
/// <remarks>
/// The work splits into <see cref="Decompose"/> (digits lifted to every prime, in NTT form) and the inner product
/// with a key. Because an automorphism permutes NTT slots within each prime and commutes with the digit
/// decomposition, one decomposition serves every rotation of a ciphertext (hoisting): each rotation then only
/// permutes the digits, takes the inner product and mods down.
/// </remarks>
internal static class KeySwitcher
{
    public static void SwitchKeyAdd(Memory<ulong> target, SwitchingKey key, Level keyLevel, Level level, Memory<ulong> c0, Memory<ulong> c1)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        RequireParts(key, k);
        var keyParts = key.Parts;
        var pool = ArrayPool<ulong>.Shared;
        var centeredArray = pool.Rent(k * n);
        var accArray = pool.Rent(2 * (k + 1) * n);
        try
        {
            Memory<ulong> centered = centeredArray.AsMemory(0, k * n);
            Memory<ulong> acc = accArray.AsMemory(0, 2 * (k + 1) * n);
            CenterDigits(target, level, centered);

            // One target prime at a time: each digit is lifted, transformed and multiplied into the key while it is
            // hot, into 128-bit sums reduced once, so the k·(k+1)·N-word decomposition is never written out.
            LimbParallel.For(k + 1, n, i =>
            {
                var keyIndex = i == k ? keyLevel.CoeffModulusSize - 1 : i;
                var q = keyLevel.Moduli[keyIndex];
                var scratch = ArrayPool<ulong>.Shared.Rent(5 * n);
                try
                {
                    var lifted = scratch.AsSpan(0, n);
                    var lo0 = scratch.AsSpan(n, n);
                    var hi0 = scratch.AsSpan(2 * n, n);
                    var lo1 = scratch.AsSpan(3 * n, n);
                    var hi1 = scratch.AsSpan(4 * n, n);
                    scratch.AsSpan(n, 4 * n).Clear();
                    for (var j = 0; j < k; j++)
                    {
                        ReadOnlySpan<ulong> digit;
                        if (j == i)
                        {
                            digit = target.Span.Slice(j * n, n);
                        }
                        else
                        {
                            LiftDigit(centered.Span.Slice(j * n, n), level.Moduli[j], q, lifted);
                            keyLevel.Ntt[keyIndex].Forward(lifted);
                            digit = lifted;
                        }

                        var part = keyParts[j].Data;
                        PolyArith.MultiplyAddWide(digit, part.Limb(0, keyIndex), lo0, hi0);
                        PolyArith.MultiplyAddWide(digit, part.Limb(1, keyIndex), lo1, hi1);
                    }

                    PolyArith.ReduceWide(lo0, hi0, acc.Span.Slice(i * n, n), q);
                    PolyArith.ReduceWide(lo1, hi1, acc.Span.Slice((k + 1 + i) * n, n), q);
                }
                finally
                {
                    ArrayPool<ulong>.Shared.Return(scratch);
                }
            });

            ModDownAdd(acc[..((k + 1) * n)], keyLevel, level, c0);
            ModDownAdd(acc[((k + 1) * n)..], keyLevel, level, c1);
        }
        finally
        {
            pool.Return(accArray);
            pool.Return(centeredArray);
        }
    }

    /// <summary>Words needed to hold a decomposition: k digits, each lifted to k + 1 primes.</summary>
    public static int DecomposedWords(Level level) => level.CoeffModulusSize * (level.CoeffModulusSize + 1) * level.N;

    /// <summary>
    /// Lifts every digit [t]_(q_j) of t (NTT form, k limbs) to every prime of the level and to P, in NTT form:
    /// digit j for target prime i lands at ((i × k) + j) × N.
    /// </summary>
    public static void Decompose(Memory<ulong> target, Level keyLevel, Level level, ulong[] destination)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        var coefficients = ArrayPool<ulong>.Shared.Rent(k * n);
        try
        {
            Memory<ulong> centered = coefficients.AsMemory(0, k * n);
            CenterDigits(target, level, centered);
            LimbParallel.For(k + 1, n, i =>
            {
                var keyIndex = i == k ? keyLevel.CoeffModulusSize - 1 : i;
                var q = keyLevel.Moduli[keyIndex];
                for (var j = 0; j < k; j++)
                {
                    var lifted = destination.AsSpan(((i * k) + j) * n, n);
                    if (j == i)
                    {
                        target.Span.Slice(j * n, n).CopyTo(lifted);
                        continue;
                    }

                    LiftDigit(centered.Span.Slice(j * n, n), level.Moduli[j], q, lifted);
                    keyLevel.Ntt[keyIndex].Forward(lifted);
                }
            });
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(coefficients);
        }
    }

    /// <summary>
    /// The digits [t]_(q_j) of t (NTT form, k limbs) in coefficient form, each stored shifted by q_j/2 (see
    /// <see cref="LiftDigit"/>).
    /// </summary>
    private static void CenterDigits(Memory<ulong> target, Level level, Memory<ulong> centered)
    {
        var n = level.N;
        target.Span[..centered.Length].CopyTo(centered.Span);
        LimbParallel.For(level.CoeffModulusSize, n, j =>
        {
            var digit = centered.Span.Slice(j * n, n);
            level.Ntt[j].Inverse(digit);
            // Digits are lifted as centered values d − q_j/2 (stored shifted by q_j/2): uncentered digits in
            // [0, q_j) have mean q_j/2, and that bias times the key's noise lands on the slots nearest the root
            // ζ — SEAL's slot 0 comes out ~50× worse than the median after a rotation.
            PolyArith.AddScalarMod(digit, level.Moduli[j].Value >> 1, digit, level.Moduli[j]);
        });
    }

    /// <summary>lifted = (d − q_j/2) mod q for a digit stored shifted as d + q_j/2 mod q_j, in coefficient form.</summary>
    private static void LiftDigit(ReadOnlySpan<ulong> shifted, in SmallModulus digitModulus, in SmallModulus q, Span<ulong> lifted)
    {
        PolyArith.ReduceMod(shifted, lifted, q);
        PolyArith.AddScalarMod(lifted, ModArith.Negate(q.Reduce(digitModulus.Value >> 1), q), lifted, q);
    }

    /// <summary>
    /// (c0, c1) += mod-down of Σ_j π(digit_j) ⊙ key_j, where π is the NTT-slot permutation of the Galois element
    /// <paramref name="galoisElement"/> (0: no permutation) applied to a decomposition of the unrotated polynomial.
    /// </summary>
    public static void InnerProductModDownAdd(ulong[] digits, SwitchingKey key, uint galoisElement, Level keyLevel, Level level, Memory<ulong> c0, Memory<ulong> c1)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        RequireParts(key, k);
        var keyParts = key.Parts;
        var accArray = ArrayPool<ulong>.Shared.Rent(2 * (k + 1) * n);
        try
        {
            Memory<ulong> acc = accArray.AsMemory(0, 2 * (k + 1) * n);
            LimbParallel.For(k + 1, n, i =>
            {
                var keyIndex = i == k ? keyLevel.CoeffModulusSize - 1 : i;
                var q = keyLevel.Moduli[keyIndex];
                var scratch = ArrayPool<ulong>.Shared.Rent(5 * n);
                try
                {
                    var permuted = scratch.AsSpan(0, n);
                    var lo0 = scratch.AsSpan(n, n);
                    var hi0 = scratch.AsSpan(2 * n, n);
                    var lo1 = scratch.AsSpan(3 * n, n);
                    var hi1 = scratch.AsSpan(4 * n, n);
                    scratch.AsSpan(n, 4 * n).Clear();
                    for (var j = 0; j < k; j++)
                    {
                        ReadOnlySpan<ulong> digit = digits.AsSpan(((i * k) + j) * n, n);
                        if (galoisElement != 0)
                        {
                            PolyArith.PermuteGaloisNtt(digit, permuted, galoisElement, level.LogN);
                            digit = permuted;
                        }

                        var part = keyParts[j].Data;
                        PolyArith.MultiplyAddWide(digit, part.Limb(0, keyIndex), lo0, hi0);
                        PolyArith.MultiplyAddWide(digit, part.Limb(1, keyIndex), lo1, hi1);
                    }

                    PolyArith.ReduceWide(lo0, hi0, acc.Span.Slice(i * n, n), q);
                    PolyArith.ReduceWide(lo1, hi1, acc.Span.Slice((k + 1 + i) * n, n), q);
                }
                finally
                {
                    ArrayPool<ulong>.Shared.Return(scratch);
                }
            });

            ModDownAdd(acc[..((k + 1) * n)], keyLevel, level, c0);
            ModDownAdd(acc[((k + 1) * n)..], keyLevel, level, c1);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(accArray);
        }
    }

    private static void RequireParts(SwitchingKey key, int k)
    {
        if (key.PartCount < k)
        {
            throw new MissingKeyException($"The key-switching key has {key.PartCount} parts; a ciphertext with {k} primes needs {k}.");
        }
    }

    /// <summary>destination += round(x / P) for x given in RNS over (q_0..q_(k−1), P), every limb in NTT form.</summary>
    private static void ModDownAdd(Memory<ulong> x, Level keyLevel, Level level, Memory<ulong> destination)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        var specialModulus = keyLevel.Moduli[^1];
        var p = specialModulus.Value;
        var half = p >> 1;
        var special = x.Span.Slice(k * n, n);
        keyLevel.Ntt[^1].Inverse(special);
        // Adding P/2 before the exact division by P turns flooring into rounding to nearest.
        PolyArith.AddScalarMod(special, half, special, specialModulus);
        LimbParallel.For(k, n, i =>
        {
            var q = level.Moduli[i];
            var temp = ArrayPool<ulong>.Shared.Rent(n);
            try
            {
                var tempSpan = temp.AsSpan(0, n);
                PolyArith.ReduceMod(x.Span.Slice(k * n, n), tempSpan, q);
                PolyArith.AddScalarMod(tempSpan, ModArith.Negate(q.Reduce(half), q), tempSpan, q);
                level.Ntt[i].Forward(tempSpan);
                var xi = x.Span.Slice(i * n, n);
                PolyArith.SubMod(xi, tempSpan, xi, q);
                PolyArith.MultiplyScalarAddMod(xi, level.InvSpecialModulus[i], destination.Span.Slice(i * n, n), q);
            }
            finally
            {
                ArrayPool<ulong>.Shared.Return(temp);
            }
        });
    }
}
