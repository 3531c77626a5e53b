using System.Buffers;
using HeCompute.Ckks.Ring;

namespace HeCompute.Ckks.Rlwe;

/// <summary>
/// Hybrid key switching with one-prime digits and one special prime P (the gadget product shared by relinearization
/// and rotations). Given t in NTT form at a level with primes q_0..q_(k−1) and a key for s′, adds to (c0, c1) an
/// encryption under s of t·s′: each digit [t]_(q_j) is lifted to every prime and to P, multiplied by key part j, and
/// the sum is divided by P with rounding (mod-down). Knows nothing of encoding or of what s′ is.
/// </summary>
internal static class KeySwitcher
{
    public static void SwitchKeyAdd(Memory<ulong> target, PublicKey[] keyParts, ContextData keyLevel, ContextData level, Memory<ulong> c0, Memory<ulong> c1)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        if (keyParts.Length < k)
        {
            throw new MissingKeyException($"The key-switching key has {keyParts.Length} parts; a ciphertext with {k} primes needs {k}.");
        }

        var pool = ArrayPool<ulong>.Shared;
        var digitsArray = pool.Rent(k * n);
        var accArray = pool.Rent(2 * (k + 1) * n);
        try
        {
            Memory<ulong> digits = digitsArray.AsMemory(0, k * n);
            target.Span[..(k * n)].CopyTo(digits.Span);
            LimbParallel.For(k, n, j =>
            {
                var digit = digits.Span.Slice(j * n, n);
                level.Ntt[j].Inverse(digit);
                // Digits are lifted to the other primes as centered values d − q_j/2 (stored shifted by q_j/2):
                // uncentered digits in [0, q_j) have mean q_j/2, and that bias times the key's noise lands on the
                // slots nearest the root ζ, costing bits there.
                PolyArith.AddScalarMod(digit, level.Moduli[j].Value >> 1, digit, level.Moduli[j]);
            });

            Memory<ulong> acc = accArray.AsMemory(0, 2 * (k + 1) * n);
            LimbParallel.For(k + 1, n, i => AccumulateLimb(i, target, digits, keyParts, keyLevel, level, acc));
            ModDownAdd(acc[..((k + 1) * n)], keyLevel, level, c0);
            ModDownAdd(acc[((k + 1) * n)..], keyLevel, level, c1);
        }
        finally
        {
            pool.Return(digitsArray);
            pool.Return(accArray);
        }
    }

    /// <summary>Inner product of all digits with the key parts in one target prime (a data prime, or P when i = k).</summary>
    private static void AccumulateLimb(int i, Memory<ulong> target, Memory<ulong> digits, PublicKey[] keyParts, ContextData keyLevel, ContextData level, Memory<ulong> acc)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        var keyIndex = i == k ? keyLevel.CoeffModulusSize - 1 : i;
        var q = keyLevel.Moduli[keyIndex];
        var ntt = keyLevel.Ntt[keyIndex];
        var acc0 = acc.Span.Slice(i * n, n);
        var acc1 = acc.Span.Slice((k + 1 + i) * n, n);
        acc0.Clear();
        acc1.Clear();
        var temp = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            var tempSpan = temp.AsSpan(0, n);
            for (var j = 0; j < k; j++)
            {
                ReadOnlySpan<ulong> digit;
                if (j == i)
                {
                    digit = target.Span.Slice(j * n, n);
                }
                else
                {
                    PolyArith.ReduceMod(digits.Span.Slice(j * n, n), tempSpan, q);
                    PolyArith.AddScalarMod(tempSpan, ModArith.Negate(q.Reduce(level.Moduli[j].Value >> 1), q), tempSpan, q);
                    ntt.Forward(tempSpan);
                    digit = tempSpan;
                }

                var key = keyParts[j].Data;
                PolyArith.MultiplyAddMod(digit, key.Limb(0, keyIndex), acc0, q);
                PolyArith.MultiplyAddMod(digit, key.Limb(1, keyIndex), acc1, q);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(temp);
        }
    }

    /// <summary>destination += round(x / P) for x given in RNS over (q_0..q_(k−1), P), every limb in NTT form.</summary>
    private static void ModDownAdd(Memory<ulong> x, ContextData keyLevel, ContextData level, Memory<ulong> destination)
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
