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
        var k = level.CoeffModulusSize;
        RequireParts(key, k);
        var pool = ArrayPool<ulong>.Shared;
        var digits = pool.Rent(DecomposedWords(level));
        try
        {
            Decompose(target, keyLevel, level, digits);
            InnerProductModDownAdd(digits, key, 0, keyLevel, level, c0, c1);
        }
        finally
        {
            pool.Return(digits);
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
            target.Span[..(k * n)].CopyTo(centered.Span);
            LimbParallel.For(k, n, j =>
            {
                var digit = centered.Span.Slice(j * n, n);
                level.Ntt[j].Inverse(digit);
                // Digits are lifted as centered values d − q_j/2 (stored shifted by q_j/2): uncentered digits in
                // [0, q_j) have mean q_j/2, and that bias times the key's noise lands on the slots nearest the root
                // ζ — SEAL's slot 0 comes out ~50× worse than the median after a rotation.
                PolyArith.AddScalarMod(digit, level.Moduli[j].Value >> 1, digit, level.Moduli[j]);
            });

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

                    PolyArith.ReduceMod(centered.Span.Slice(j * n, n), lifted, q);
                    PolyArith.AddScalarMod(lifted, ModArith.Negate(q.Reduce(level.Moduli[j].Value >> 1), q), lifted, q);
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
                var acc0 = acc.Span.Slice(i * n, n);
                var acc1 = acc.Span.Slice((k + 1 + i) * n, n);
                acc0.Clear();
                acc1.Clear();
                var temp = galoisElement == 0 ? null : ArrayPool<ulong>.Shared.Rent(n);
                try
                {
                    for (var j = 0; j < k; j++)
                    {
                        ReadOnlySpan<ulong> digit = digits.AsSpan(((i * k) + j) * n, n);
                        if (temp is not null)
                        {
                            PolyArith.PermuteGaloisNtt(digit, temp.AsSpan(0, n), galoisElement, level.LogN);
                            digit = temp.AsSpan(0, n);
                        }

                        var part = keyParts[j].Data;
                        PolyArith.MultiplyAddMod(digit, part.Limb(0, keyIndex), acc0, q);
                        PolyArith.MultiplyAddMod(digit, part.Limb(1, keyIndex), acc1, q);
                    }
                }
                finally
                {
                    if (temp is not null)
                    {
                        ArrayPool<ulong>.Shared.Return(temp);
                    }
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
