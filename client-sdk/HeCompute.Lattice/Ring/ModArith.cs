using System.Runtime.CompilerServices;

namespace HeCompute.Lattice.Ring;

/// <summary>Scalar modular arithmetic on 64-bit words modulo a <see cref="SmallModulus"/>.</summary>
internal static class ModArith
{
    /// <summary>Returns (a + b) mod q for a, b &lt; q.</summary>
    /// <param name="a">First operand, &lt; q.</param>
    /// <param name="b">Second operand, &lt; q.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>The sum in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b, in SmallModulus q)
    {
        // q < 2^61, so a + b - q never wraps as a signed quantity; the sign supplies the mask.
        long t = (long)(a + b - q.Value);
        return (ulong)(t + ((t >> 63) & (long)q.Value));
    }

    /// <summary>Returns (a - b) mod q for a, b &lt; q.</summary>
    /// <param name="a">Minuend, &lt; q.</param>
    /// <param name="b">Subtrahend, &lt; q.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>The difference in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sub(ulong a, ulong b, in SmallModulus q)
    {
        long t = (long)(a - b);
        return (ulong)(t + ((t >> 63) & (long)q.Value));
    }

    /// <summary>Returns (-a) mod q for a &lt; q.</summary>
    /// <param name="a">Operand, &lt; q.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>q - a, or 0 when a is 0.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Negate(ulong a, in SmallModulus q)
    {
        ulong nonZeroMask = (ulong)-(long)(a != 0 ? 1 : 0);
        return (q.Value - a) & nonZeroMask;
    }

    /// <summary>Returns (a * b) mod q for any 64-bit a and b.</summary>
    /// <param name="a">First factor.</param>
    /// <param name="b">Second factor.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>The product in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Multiply(ulong a, ulong b, in SmallModulus q)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        return q.Reduce128(hi, lo);
    }

    /// <summary>Returns the Shoup companion floor(w * 2^64 / q) of a constant factor w &lt; q.</summary>
    /// <param name="w">The constant factor, &lt; q.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>floor(w * 2^64 / q).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="w"/> is not below q.</exception>
    public static ulong ShoupPrecompute(ulong w, in SmallModulus q)
    {
        if (w >= q.Value)
        {
            throw new ArgumentOutOfRangeException(nameof(w), w, "Operand must be reduced modulo q.");
        }

        return ShoupUnchecked(w, q);
    }

    /// <summary>ShoupPrecompute without the range check, for table builders that already guarantee w &lt; q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ShoupUnchecked(ulong w, in SmallModulus q)
    {
        // w * floor(2^128/q) / 2^64 estimates the quotient from below by at most a couple of
        // units; the remainder w*2^64 - estimate*q is then small enough to fix up exactly.
        ulong estimate = w * q.BarrettHi + Math.BigMul(w, q.BarrettLo, out _);
        ulong remainder = 0UL - estimate * q.Value;
        while (remainder >= q.Value)
        {
            remainder -= q.Value;
            estimate++;
        }

        return estimate;
    }

    /// <summary>Returns (x * w) mod q using a precomputed Shoup companion.</summary>
    /// <param name="x">Any 64-bit value.</param>
    /// <param name="w">The constant factor, &lt; q.</param>
    /// <param name="wShoup">The value returned by <see cref="ShoupPrecompute"/> for <paramref name="w"/>.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>The product in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyShoup(ulong x, ulong w, ulong wShoup, in SmallModulus q)
    {
        ulong r = MultiplyShoupLazy(x, w, wShoup, q.Value);
        return SubtractIfAtLeast(r, q.Value);
    }

    /// <summary>(x * w) mod q up to one extra q: the result lies in [0, 2q) for any 64-bit x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong MultiplyShoupLazy(ulong x, ulong w, ulong wShoup, ulong q)
    {
        ulong estimate = Math.BigMul(x, wShoup, out _);
        return x * w - estimate * q;
    }

    /// <summary>floor(w·2^63 / q) for w &lt; q: a Shoup companion one bit short, so that it stays below 2^63.</summary>
    internal static ulong Shoup63(ulong w, in SmallModulus q) => ShoupUnchecked(w, q) >> 1;

    /// <summary>
    /// x·w mod q in [0, 2q) for x &lt; 2^63 from the 63-bit companion w63 = floor(w·2^63 / q).
    /// The NTT butterflies only ever pass values below 4q &lt; 2^63.
    /// </summary>
    /// <remarks>
    /// The estimate skips the low×low partial product (and the carry it could contribute),
    /// which is what makes the AVX-512 version cheap; the scalar reference mirrors it exactly so
    /// that both paths produce the same lazy values.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong MultiplyShoup63(ulong x, ulong w, ulong w63, ulong q)
    {
        ulong xHi = x >> 32;
        ulong xLo = x & 0xFFFF_FFFFUL;
        ulong wHi = w63 >> 32;
        ulong wLo = w63 & 0xFFFF_FFFFUL;
        ulong estimate = (2 * (xHi * wHi)) + (((xLo * wHi) + (xHi * wLo)) >> 31);
        return SubtractIfAtLeast((x * w) - (estimate * q), q << 1);
    }

    /// <summary>x - bound if x &gt;= bound, else x; for bound &lt;= 2^63 and x &lt; 2·bound, without a branch.</summary>
    /// <remarks>Lazy NTT values are close to uniformly spread, so a branch here would mispredict half the time.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SubtractIfAtLeast(ulong x, ulong bound)
    {
        ulong d = x - bound;
        return d + (bound & (ulong)((long)d >> 63));
    }

    /// <summary>Returns b^e mod q.</summary>
    /// <param name="b">The base (any 64-bit value).</param>
    /// <param name="e">The exponent.</param>
    /// <param name="q">The modulus.</param>
    /// <returns>b^e mod q; 0^0 is 1.</returns>
    public static ulong Pow(ulong b, ulong e, in SmallModulus q)
    {
        ulong result = 1;
        ulong power = q.Reduce(b);
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Multiply(result, power, q);
            }

            e >>= 1;
            if (e != 0)
            {
                power = Multiply(power, power, q);
            }
        }

        return result;
    }

    /// <summary>Returns the inverse of a modulo q.</summary>
    /// <param name="a">The value to invert (any 64-bit value).</param>
    /// <param name="q">The modulus.</param>
    /// <returns>The unique x in [1, q) with a*x ≡ 1 (mod q).</returns>
    /// <exception cref="ArithmeticException">a is not invertible modulo q.</exception>
    public static ulong Inverse(ulong a, in SmallModulus q)
    {
        if (!TryInverse(a, q, out ulong inverse))
        {
            throw new ArithmeticException("Value is not invertible modulo q.");
        }

        return inverse;
    }

    /// <summary>Attempts to invert a modulo q.</summary>
    /// <param name="a">The value to invert (any 64-bit value).</param>
    /// <param name="q">The modulus.</param>
    /// <param name="inverse">The inverse in [1, q), or 0 when none exists.</param>
    /// <returns><see langword="true"/> when gcd(a, q) = 1.</returns>
    public static bool TryInverse(ulong a, in SmallModulus q, out ulong inverse)
    {
        // Extended Euclid on (q, a mod q), tracking only the coefficient of a; the
        // coefficients stay within (-q, q), so signed 64-bit arithmetic suffices.
        ulong r0 = q.Value;
        ulong r1 = q.Reduce(a);
        long t0 = 0;
        long t1 = 1;
        while (r1 != 0)
        {
            ulong quotient = r0 / r1;
            (r0, r1) = (r1, r0 - quotient * r1);
            (t0, t1) = (t1, t0 - (long)quotient * t1);
        }

        if (r0 != 1)
        {
            inverse = 0;
            return false;
        }

        inverse = t0 < 0 ? (ulong)(t0 + (long)q.Value) : (ulong)t0;
        return true;
    }

    /// <summary>Deterministic primality test for every 64-bit integer.</summary>
    /// <param name="n">The candidate.</param>
    /// <returns><see langword="true"/> when n is prime.</returns>
    public static bool IsPrime(ulong n)
    {
        ReadOnlySpan<ulong> smallPrimes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        if (n < 2)
        {
            return false;
        }

        foreach (ulong p in smallPrimes)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        if (n < 41 * 41)
        {
            return true;
        }

        ulong d = n - 1;
        int s = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            s++;
        }

        // The first twelve primes as Miller-Rabin bases are a proven witness set for n < 3.3 * 10^24.
        foreach (ulong a in smallPrimes)
        {
            if (!MillerRabinRound(n, a, d, s))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MillerRabinRound(ulong n, ulong a, ulong d, int s)
    {
        ulong x = PowWide(a, d, n);
        if (x == 1 || x == n - 1)
        {
            return true;
        }

        for (int i = 1; i < s; i++)
        {
            x = MultiplyWide(x, x, n);
            if (x == n - 1)
            {
                return true;
            }
        }

        return false;
    }

    // IsPrime must cover moduli beyond SmallModulus' 2^61 limit, so it uses full 128-bit division.
    private static ulong MultiplyWide(ulong a, ulong b, ulong n) => (ulong)((UInt128)a * b % n);

    private static ulong PowWide(ulong b, ulong e, ulong n)
    {
        ulong result = 1;
        ulong power = b % n;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = MultiplyWide(result, power, n);
            }

            e >>= 1;
            power = MultiplyWide(power, power, n);
        }

        return result;
    }

    /// <summary>
    /// Finds the smallest primitive <paramref name="degree"/>-th root of unity modulo q, which is
    /// the root Microsoft SEAL selects for its NTT tables.
    /// </summary>
    /// <param name="degree">The order of the root: a power of two, at least 2 (2N for a length-N negacyclic NTT).</param>
    /// <param name="q">The modulus; roots exist when q is prime and q ≡ 1 (mod degree).</param>
    /// <param name="root">The smallest primitive root, or 0 when none was found.</param>
    /// <returns><see langword="true"/> when a primitive root was found.</returns>
    public static bool TryMinimalPrimitiveRoot(ulong degree, in SmallModulus q, out ulong root)
    {
        root = 0;
        if (degree < 2 || (degree & (degree - 1)) != 0 || (q.Value - 1) % degree != 0)
        {
            return false;
        }

        // For prime q, g^((q-1)/degree) is primitive exactly when g is a quadratic non-residue;
        // small candidates find one quickly. SEAL starts from a random generator instead, but
        // minimises over all primitive roots, so the result is the same.
        ulong cofactor = (q.Value - 1) / degree;
        ulong generator = 0;
        ulong limit = Math.Min(q.Value, 1UL << 16);
        for (ulong candidate = 2; candidate < limit; candidate++)
        {
            ulong g = Pow(candidate, cofactor, q);
            if (IsPrimitiveRoot(g, degree, q))
            {
                generator = g;
                break;
            }
        }

        if (generator == 0)
        {
            return false;
        }

        // The primitive roots are exactly the odd powers of any one of them.
        ulong square = Multiply(generator, generator, q);
        ulong squareShoup = ShoupUnchecked(square, q);
        ulong current = generator;
        ulong minimum = generator;
        for (ulong i = 0; i < degree; i += 2)
        {
            minimum = Math.Min(minimum, current);
            current = MultiplyShoup(current, square, squareShoup, q);
        }

        root = minimum;
        return true;
    }

    private static bool IsPrimitiveRoot(ulong root, ulong degree, in SmallModulus q)
        => root != 0 && Pow(root, degree >> 1, q) == q.Value - 1;
}
