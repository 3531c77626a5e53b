using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Ring;

/// <summary>Shared helpers: deterministic randomness, NTT-friendly primes and naive references.</summary>
internal static class RingTestUtil
{
    public static ulong NextULong(Random rng)
    {
        Span<byte> bytes = stackalloc byte[8];
        rng.NextBytes(bytes);
        return BitConverter.ToUInt64(bytes);
    }

    public static ulong[] RandomVector(Random rng, int length, ulong bound)
    {
        var v = new ulong[length];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = NextULong(rng) % bound;
        }

        return v;
    }

    /// <summary>The largest primes below 2^bits that are ≡ 1 (mod 2N), found with IsPrime.</summary>
    public static ulong[] Primes(int bits, int logN, int count)
    {
        ulong twoN = 2UL << logN;
        ulong candidate = ((1UL << bits) - 1) / twoN * twoN + 1;
        if (candidate >= 1UL << bits)
        {
            candidate -= twoN;
        }

        var result = new List<ulong>();
        while (result.Count < count)
        {
            if (ModArith.IsPrime(candidate))
            {
                result.Add(candidate);
            }

            candidate -= twoN;
        }

        return [.. result];
    }

    public static ulong Prime(int bits, int logN) => Primes(bits, logN, 1)[0];

    public static ulong MulMod(ulong a, ulong b, ulong q) => (ulong)((UInt128)a * b % q);

    public static ulong PowMod(ulong b, ulong e, ulong q)
    {
        ulong result = 1 % q;
        b %= q;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = MulMod(result, b, q);
            }

            b = MulMod(b, b, q);
            e >>= 1;
        }

        return result;
    }

    public static int BitReverse(int value, int bits)
    {
        int r = 0;
        for (int i = 0; i < bits; i++)
        {
            r = (r << 1) | ((value >> i) & 1);
        }

        return r;
    }

    /// <summary>Coefficient k of a·b mod (X^N + 1, q), computed directly in O(N).</summary>
    public static ulong NegacyclicCoefficient(ulong[] a, ulong[] b, int k, ulong q)
    {
        int n = a.Length;
        UInt128 positive = 0;
        UInt128 negative = 0;
        for (int i = 0; i < n; i++)
        {
            int j = k - i;
            if (j >= 0)
            {
                positive += MulMod(a[i], b[j], q);
            }
            else
            {
                negative += MulMod(a[i], b[j + n], q);
            }
        }

        ulong p = (ulong)(positive % q);
        ulong m = (ulong)(negative % q);
        return p >= m ? p - m : p + q - m;
    }

    /// <summary>a·b mod (X^N + 1, q) where b has few non-zero coefficients.</summary>
    public static ulong[] NegacyclicProductSparse(ulong[] a, ulong[] b, ulong q)
    {
        int n = a.Length;
        var result = new ulong[n];
        for (int j = 0; j < n; j++)
        {
            if (b[j] == 0)
            {
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                ulong term = MulMod(a[i], b[j], q);
                int k = i + j;
                if (k < n)
                {
                    result[k] = (ulong)(((UInt128)result[k] + term) % q);
                }
                else
                {
                    result[k - n] = (result[k - n] + q - term) % q;
                }
            }
        }

        return result;
    }

    /// <summary>a evaluated at x modulo q (Horner).</summary>
    public static ulong Evaluate(ulong[] a, ulong x, ulong q)
    {
        ulong acc = 0;
        for (int i = a.Length - 1; i >= 0; i--)
        {
            acc = (ulong)(((UInt128)acc * x + a[i]) % q);
        }

        return acc;
    }
}
