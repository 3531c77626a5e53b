namespace HeCompute.Lattice.Ring;

/// <summary>
/// Element-wise operations on coefficient (or NTT-evaluation) vectors modulo one prime.
/// </summary>
/// <remarks>
/// Unless stated otherwise inputs must be below q and outputs are fully reduced to [0, q).
/// The destination may be the same span as any input (exact aliasing; partially overlapping
/// spans are not supported). All spans must have equal length. No method allocates.
/// The kernels run on AVX-512 where available, else on AVX2, else as portable scalar code; all
/// three produce identical results.
/// </remarks>
internal static class PolyArith
{
    /// <summary>dst = (a + b) mod q.</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void AddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, b, dst);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.AddMod(a, b, dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.AddMod(a, b, dst, q);
        }
        else
        {
            PolyArithScalar.AddMod(a, b, dst, q);
        }
    }

    /// <summary>dst = (a - b) mod q.</summary>
    /// <param name="a">Minuend.</param>
    /// <param name="b">Subtrahend.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void SubMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, b, dst);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.SubMod(a, b, dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.SubMod(a, b, dst, q);
        }
        else
        {
            PolyArithScalar.SubMod(a, b, dst, q);
        }
    }

    /// <summary>dst = (-a) mod q.</summary>
    /// <param name="a">Operand.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void NegateMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, dst);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.NegateMod(a, dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.NegateMod(a, dst, q);
        }
        else
        {
            PolyArithScalar.NegateMod(a, dst, q);
        }
    }

    /// <summary>dst = (a * b) mod q, element by element (the dyadic product of NTT-form data).</summary>
    /// <param name="a">First factor.</param>
    /// <param name="b">Second factor.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MultiplyMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, b, dst);
        if (Vector512Arith.IsSupported && PolyArithVector512.SupportsProducts(q))
        {
            PolyArithVector512.MultiplyMod(a, b, dst, q);
        }
        else if (Vector256Arith.IsSupported && PolyArithVector512.SupportsProducts(q))
        {
            PolyArithVector256.MultiplyMod(a, b, dst, q);
        }
        else
        {
            PolyArithScalar.MultiplyMod(a, b, dst, q);
        }
    }

    /// <summary>acc = (acc + a * b) mod q, element by element.</summary>
    /// <param name="a">First factor.</param>
    /// <param name="b">Second factor.</param>
    /// <param name="acc">Accumulator, read and written.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MultiplyAddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> acc, in SmallModulus q)
    {
        CheckLengths(a, b, acc);
        if (Vector512Arith.IsSupported && PolyArithVector512.SupportsProducts(q))
        {
            PolyArithVector512.MultiplyAddMod(a, b, acc, q);
        }
        else if (Vector256Arith.IsSupported && PolyArithVector512.SupportsProducts(q))
        {
            PolyArithVector256.MultiplyAddMod(a, b, acc, q);
        }
        else
        {
            PolyArithScalar.MultiplyAddMod(a, b, acc, q);
        }
    }

    /// <summary>
    /// (hi·2^64 + lo) += a·b element by element, exactly: the 128-bit accumulator of an inner product that is
    /// reduced once, by <see cref="ReduceWide"/>, instead of once per term.
    /// </summary>
    /// <remarks>
    /// No modulus is involved and nothing is checked: the caller bounds the sum below 2^128. Sixty-three terms with
    /// factors below 2^62 and 2^60 stay below 2^128, and no level has more than 63 data primes.
    /// </remarks>
    /// <param name="a">First factor.</param>
    /// <param name="b">Second factor.</param>
    /// <param name="lo">Low words of the accumulator, read and written.</param>
    /// <param name="hi">High words of the accumulator, read and written.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MultiplyAddWide(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> lo, Span<ulong> hi)
    {
        CheckLengths(a, b, lo);
        CheckLengths(a, hi);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.MultiplyAddWide(a, b, lo, hi);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.MultiplyAddWide(a, b, lo, hi);
        }
        else
        {
            PolyArithScalar.MultiplyAddWide(a, b, lo, hi);
        }
    }

    /// <summary>dst = (hi·2^64 + lo) mod q, element by element, for any 128-bit values.</summary>
    /// <param name="lo">Low words.</param>
    /// <param name="hi">High words.</param>
    /// <param name="dst">Destination (may alias <paramref name="lo"/> or <paramref name="hi"/>).</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ReduceWide(ReadOnlySpan<ulong> lo, ReadOnlySpan<ulong> hi, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(lo, hi, dst);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.ReduceWide(lo, hi, dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.ReduceWide(lo, hi, dst, q);
        }
        else
        {
            PolyArithScalar.ReduceWide(lo, hi, dst, q);
        }
    }

    /// <summary>dst = (a * scalar) mod q.</summary>
    /// <param name="a">The vector.</param>
    /// <param name="scalar">The constant factor; values of q or more are reduced first.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MultiplyScalarMod(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, dst);
        ulong w = q.Reduce(scalar);
        ulong wShoup = ModArith.ShoupUnchecked(w, q);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.MultiplyScalarMod(a, w, wShoup, dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.MultiplyScalarMod(a, w, wShoup, dst, q);
        }
        else
        {
            PolyArithScalar.MultiplyScalarMod(a, w, wShoup, dst, q);
        }
    }

    /// <summary>acc = (acc + a * scalar) mod q.</summary>
    /// <param name="a">The vector.</param>
    /// <param name="scalar">The constant factor; values of q or more are reduced first.</param>
    /// <param name="acc">Accumulator, read and written.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MultiplyScalarAddMod(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> acc, in SmallModulus q)
    {
        CheckLengths(a, acc);
        ulong w = q.Reduce(scalar);
        ulong wShoup = ModArith.ShoupUnchecked(w, q);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.MultiplyScalarAddMod(a, w, wShoup, acc, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.MultiplyScalarAddMod(a, w, wShoup, acc, q);
        }
        else
        {
            PolyArithScalar.MultiplyScalarAddMod(a, w, wShoup, acc, q);
        }
    }

    /// <summary>dst = (a + scalar) mod q.</summary>
    /// <param name="a">The vector.</param>
    /// <param name="scalar">The constant; values of q or more are reduced first.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void AddScalarMod(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, dst);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.AddScalarMod(a, q.Reduce(scalar), dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.AddScalarMod(a, q.Reduce(scalar), dst, q);
        }
        else
        {
            PolyArithScalar.AddScalarMod(a, q.Reduce(scalar), dst, q);
        }
    }

    /// <summary>dst = a mod q, for inputs of any 64-bit size.</summary>
    /// <param name="a">Unreduced values.</param>
    /// <param name="dst">Destination.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ReduceMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        CheckLengths(a, dst);
        if (Vector512Arith.IsSupported)
        {
            PolyArithVector512.ReduceMod(a, dst, q);
        }
        else if (Vector256Arith.IsSupported)
        {
            PolyArithVector256.ReduceMod(a, dst, q);
        }
        else
        {
            PolyArithScalar.ReduceMod(a, dst, q);
        }
    }

    /// <summary>
    /// Applies the automorphism X -> X^g to a polynomial held in NTT form (the order produced by
    /// <see cref="NttTables.Forward"/>); the result is again in NTT form. This is a pure
    /// permutation, so it works for any modulus.
    /// </summary>
    /// <param name="src">The NTT-form input, length 2^<paramref name="logN"/>.</param>
    /// <param name="dst">The NTT-form output; must not overlap <paramref name="src"/>.</param>
    /// <param name="galoisElement">The odd Galois element g; it is taken modulo 2N.</param>
    /// <param name="logN">log2 of the polynomial length, in [1, 17].</param>
    /// <exception cref="ArgumentException">Lengths are not 2^logN, g is even, or the spans overlap.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="logN"/> is outside [1, 17].</exception>
    public static void PermuteGaloisNtt(ReadOnlySpan<ulong> src, Span<ulong> dst, uint galoisElement, int logN)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logN, NttTables.MinLogN);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, NttTables.MaxLogN);
        int n = 1 << logN;
        CheckGalois(src, dst, galoisElement, n);
        int[] table = GaloisPermutationCache.Get(galoisElement & (uint)((2 * n) - 1), logN);
        PolyArithScalar.PermuteGaloisNtt(src, dst, table);
    }

    /// <summary>
    /// Applies the automorphism X -> X^g to a polynomial in coefficient form modulo X^N + 1:
    /// coefficient i moves to i·g mod 2N, negated when that exponent is N or more.
    /// </summary>
    /// <param name="src">Coefficients (each &lt; q); the length N must be a power of two.</param>
    /// <param name="dst">Destination; must not overlap <paramref name="src"/>.</param>
    /// <param name="galoisElement">The odd Galois element g.</param>
    /// <param name="q">The modulus.</param>
    /// <exception cref="ArgumentException">Lengths differ or are not a power of two, g is even, or the spans overlap.</exception>
    public static void PermuteGaloisCoeff(ReadOnlySpan<ulong> src, Span<ulong> dst, uint galoisElement, in SmallModulus q)
    {
        int n = src.Length;
        if (n == 0 || (n & (n - 1)) != 0)
        {
            throw new ArgumentException("Length must be a power of two.", nameof(src));
        }

        CheckGalois(src, dst, galoisElement, n);
        ulong exponentMask = ((ulong)n << 1) - 1;
        ulong step = galoisElement & exponentMask;
        ulong exponent = 0;
        for (int i = 0; i < n; i++)
        {
            ulong value = src[i];
            if (exponent < (ulong)n)
            {
                dst[(int)exponent] = value;
            }
            else
            {
                dst[(int)(exponent - (ulong)n)] = ModArith.Negate(value, q);
            }

            exponent = (exponent + step) & exponentMask;
        }
    }

    private static void CheckGalois(ReadOnlySpan<ulong> src, ReadOnlySpan<ulong> dst, uint galoisElement, int n)
    {
        if (src.Length != n || dst.Length != n)
        {
            throw new ArgumentException($"Both spans must have length {n}.", nameof(dst));
        }

        if ((galoisElement & 1) == 0)
        {
            throw new ArgumentException("Galois element must be odd.", nameof(galoisElement));
        }

        if (src.Overlaps(dst))
        {
            throw new ArgumentException("Destination must not overlap the source.", nameof(dst));
        }
    }

    private static void CheckLengths(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> dst)
    {
        if (a.Length != dst.Length)
        {
            throw new ArgumentException("Spans must have equal length.", nameof(dst));
        }
    }

    private static void CheckLengths(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ReadOnlySpan<ulong> dst)
    {
        if (a.Length != b.Length || a.Length != dst.Length)
        {
            throw new ArgumentException("Spans must have equal length.", nameof(dst));
        }
    }
}
