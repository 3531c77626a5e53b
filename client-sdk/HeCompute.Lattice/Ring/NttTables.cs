namespace HeCompute.Lattice.Ring;

/// <summary>
/// Precomputed tables for the negacyclic NTT of length N = 2^logN modulo a prime q ≡ 1 (mod 2N),
/// laid out so that transformed data is interchangeable with Microsoft SEAL's NTT form.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Forward"/> maps coefficients a_0..a_{N-1} (natural order) to the evaluations
/// a(ψ^(2·bitrev(k)+1)) at position k, where ψ = <see cref="Root"/> is the smallest primitive
/// 2N-th root of unity modulo q — the same root and output order SEAL uses.
/// </para>
/// <para>
/// The transforms run on AVX-512 where available, else on AVX2, else as portable scalar code,
/// with bit-identical results (including the lazy outputs of <see cref="ForwardLazy"/>).
/// </para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
internal sealed partial class NttTables
{
    /// <summary>The smallest supported log2 of the transform length.</summary>
    public const int MinLogN = 1;

    /// <summary>The largest supported log2 of the transform length.</summary>
    public const int MaxLogN = 17;

    // rootPowers[k] = ψ^bitrev(k); forward stage with m blocks uses entries m..2m-1 in order,
    // which is SEAL's table layout. invRootPowers[k] = ψ^-bitrev(k) serves the mirrored
    // Gentleman–Sande stages the same way. Both carry 63-bit Shoup companions (see MultiplyShoup63).
    private readonly ulong[] _rootPowers;
    private readonly ulong[] _rootPowersShoup;
    private readonly ulong[] _invRootPowers;
    private readonly ulong[] _invRootPowersShoup;

    private readonly ulong _invN;
    private readonly ulong _invNShoup;

    // The last inverse stage multiplies its difference term by ψ^-bitrev(1) * N^-1 in one step.
    private readonly ulong _lastInvRootTimesInvN;
    private readonly ulong _lastInvRootTimesInvNShoup;

    /// <summary>Builds the tables for length 2^<paramref name="logN"/> modulo <paramref name="q"/>.</summary>
    /// <param name="logN">log2 of the transform length, in [1, 17].</param>
    /// <param name="q">A prime modulus with q ≡ 1 (mod 2N).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="logN"/> is outside [1, 17].</exception>
    /// <exception cref="ArgumentException"><paramref name="q"/> is not prime or not ≡ 1 (mod 2N).</exception>
    public NttTables(int logN, SmallModulus q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logN, MinLogN);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, MaxLogN);

        int n = 1 << logN;
        ulong twoN = (ulong)n << 1;
        if (q.Value % twoN != 1 || !ModArith.IsPrime(q.Value))
        {
            throw new ArgumentException("Modulus must be a prime congruent to 1 modulo 2N.", nameof(q));
        }

        if (!ModArith.TryMinimalPrimitiveRoot(twoN, q, out ulong root))
        {
            throw new ArgumentException("Modulus has no primitive 2N-th root of unity.", nameof(q));
        }

        LogN = logN;
        N = n;
        Modulus = q;
        Root = root;

        _rootPowers = new ulong[n];
        _rootPowersShoup = new ulong[n];
        _invRootPowers = new ulong[n];
        _invRootPowersShoup = new ulong[n];

        ulong invRoot = ModArith.Inverse(root, q);
        ulong power = 1;
        ulong invPower = 1;
        for (int i = 0; i < n; i++)
        {
            int k = (int)BitReverse.Reverse((uint)i, logN);
            _rootPowers[k] = power;
            _rootPowersShoup[k] = ModArith.Shoup63(power, q);
            _invRootPowers[k] = invPower;
            _invRootPowersShoup[k] = ModArith.Shoup63(invPower, q);
            power = ModArith.Multiply(power, root, q);
            invPower = ModArith.Multiply(invPower, invRoot, q);
        }

        _invN = ModArith.Inverse((ulong)n, q);
        _invNShoup = ModArith.Shoup63(_invN, q);
        _lastInvRootTimesInvN = ModArith.Multiply(_invRootPowers[1], _invN, q);
        _lastInvRootTimesInvNShoup = ModArith.Shoup63(_lastInvRootTimesInvN, q);
    }

    /// <summary>log2 of the transform length.</summary>
    public int LogN { get; }

    /// <summary>The transform length N.</summary>
    public int N { get; }

    /// <summary>The prime modulus q.</summary>
    public SmallModulus Modulus { get; }

    /// <summary>ψ, the smallest primitive 2N-th root of unity modulo q (SEAL's choice).</summary>
    public ulong Root { get; }

    /// <summary>
    /// In-place forward negacyclic NTT. Input: coefficients in natural order, each &lt; q.
    /// Output: element k is a(ψ^(2·bitrev(k)+1)), fully reduced to [0, q).
    /// </summary>
    /// <param name="values">N coefficients, transformed in place.</param>
    /// <exception cref="ArgumentException">The length is not N.</exception>
    public void Forward(Span<ulong> values)
    {
        CheckLength(values);
        if (UseVector512)
        {
            ForwardVector512(values, reduce: true);
        }
        else if (UseVector256)
        {
            ForwardVector256(values, reduce: true);
        }
        else
        {
            ForwardLazyScalar(values);
            ReduceFromFourQ(values);
        }
    }

    /// <summary>
    /// In-place forward negacyclic NTT without the final reduction: same values as
    /// <see cref="Forward"/> modulo q, but each output lies in [0, 4q). Inputs may also lie in [0, 4q).
    /// </summary>
    /// <param name="values">N coefficients, transformed in place.</param>
    /// <exception cref="ArgumentException">The length is not N.</exception>
    public void ForwardLazy(Span<ulong> values)
    {
        CheckLength(values);
        if (UseVector512)
        {
            ForwardVector512(values, reduce: false);
        }
        else if (UseVector256)
        {
            ForwardVector256(values, reduce: false);
        }
        else
        {
            ForwardLazyScalar(values);
        }
    }

    /// <summary>
    /// In-place inverse of <see cref="Forward"/> (including the N^-1 scaling).
    /// Input: evaluations in SEAL's NTT order, each &lt; q (values below 2q are also accepted).
    /// Output: coefficients in natural order, in [0, q).
    /// </summary>
    /// <param name="values">N evaluations, transformed in place.</param>
    /// <exception cref="ArgumentException">The length is not N.</exception>
    public void Inverse(Span<ulong> values)
    {
        CheckLength(values);
        if (UseVector512)
        {
            InverseVector512(values);
        }
        else if (UseVector256)
        {
            InverseVector256(values);
        }
        else
        {
            InverseScalar(values);
        }
    }

    /// <summary>Portable forward transform with outputs in [0, 4q); the reference for the vector path.</summary>
    internal unsafe void ForwardLazyScalar(Span<ulong> values)
    {
        ulong q = Modulus.Value;
        ulong twoQ = q << 1;
        int n = N;
        int gap = n >> 1;
        fixed (ulong* data = values)
        {
            for (int m = 1; m < n; m <<= 1, gap >>= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    ulong w = _rootPowers[m + i];
                    ulong wShoup = _rootPowersShoup[m + i];
                    ulong* x = data + (2 * i * gap);
                    ulong* y = x + gap;
                    for (int j = 0; j < gap; j++)
                    {
                        // Harvey butterfly: u is kept below 2q and v below 2q, so u + v and
                        // u - v + 2q stay below 4q without ever being fully reduced.
                        ulong u = ModArith.SubtractIfAtLeast(x[j], twoQ);
                        ulong v = ModArith.MultiplyShoup63(y[j], w, wShoup, q);
                        x[j] = u + v;
                        y[j] = u - v + twoQ;
                    }
                }
            }
        }
    }

    /// <summary>Portable inverse transform; the reference for the vector path.</summary>
    internal unsafe void InverseScalar(Span<ulong> values)
    {
        ulong q = Modulus.Value;
        ulong twoQ = q << 1;
        int n = N;
        int gap = 1;
        fixed (ulong* data = values)
        {
            for (int m = n >> 1; m > 1; m >>= 1, gap <<= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    ulong w = _invRootPowers[m + i];
                    ulong wShoup = _invRootPowersShoup[m + i];
                    ulong* x = data + (2 * i * gap);
                    ulong* y = x + gap;
                    for (int j = 0; j < gap; j++)
                    {
                        // Values stay in [0, 2q) between stages.
                        ulong u = x[j];
                        ulong v = y[j];
                        x[j] = ModArith.SubtractIfAtLeast(u + v, twoQ);
                        y[j] = ModArith.MultiplyShoup63(u - v + twoQ, w, wShoup, q);
                    }
                }
            }

            ulong* xs = data;
            ulong* ys = data + gap;
            for (int j = 0; j < gap; j++)
            {
                ulong u = xs[j];
                ulong v = ys[j];
                ulong a = ModArith.MultiplyShoup63(u + v, _invN, _invNShoup, q);
                ulong b = ModArith.MultiplyShoup63(u - v + twoQ, _lastInvRootTimesInvN, _lastInvRootTimesInvNShoup, q);
                xs[j] = ModArith.SubtractIfAtLeast(a, q);
                ys[j] = ModArith.SubtractIfAtLeast(b, q);
            }
        }
    }

    private bool UseVector512 => LogN >= MinVector512LogN && Vector512Arith.IsSupported;

    private bool UseVector256 => LogN >= MinVector256LogN && Vector256Arith.IsSupported;

    /// <summary>Reduces lazy forward outputs from [0, 4q) to [0, q).</summary>
    internal void ReduceFromFourQ(Span<ulong> values)
    {
        ulong q = Modulus.Value;
        ulong twoQ = q << 1;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ModArith.SubtractIfAtLeast(ModArith.SubtractIfAtLeast(values[i], twoQ), q);
        }
    }

    private void CheckLength(ReadOnlySpan<ulong> values)
    {
        if (values.Length != N)
        {
            throw new ArgumentException($"Expected {N} values, got {values.Length}.", nameof(values));
        }
    }
}
