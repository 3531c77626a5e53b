using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

/// <summary>
/// Turns a coefficient given by its residues modulo q_0..q_(k−1) into the centered integer it represents, as a double.
/// </summary>
/// <remarks>
/// Fast path: x = Σ y_i·(Q/q_i) − v·Q with y_i = x_i·(Q/q_i)^−1 mod q_i and v = round(Σ y_i/q_i); evaluated with
/// wrapping 64-bit arithmetic it is exact whenever |x| &lt; 2^63. The result is accepted only if it is congruent to
/// every residue, which (with |x| &lt; Q/2) proves it exact; otherwise the exact multi-word composition runs.
/// </remarks>
internal sealed class CrtComposer
{
    private readonly SmallModulus[] _moduli;
    private readonly ulong[] _qHatInverse;
    private readonly ulong[] _qHatInverseShoup;
    private readonly ulong[] _qHatLow;
    private readonly double[] _inverseModuli;
    private readonly ulong _qLow;
    private readonly ulong[][] _qHatWords;
    private readonly ulong[] _qWords;
    private readonly ulong[] _halfQWords;

    public CrtComposer(SmallModulus[] moduli)
    {
        _moduli = moduli;
        var k = moduli.Length;
        _qHatInverse = new ulong[k];
        _qHatInverseShoup = new ulong[k];
        _qHatLow = new ulong[k];
        _inverseModuli = new double[k];
        _qHatWords = new ulong[k][];
        _qWords = Product(moduli, -1, k + 1);
        _qLow = _qWords[0];
        for (var i = 0; i < k; i++)
        {
            var q = moduli[i];
            var qHatModQi = 1UL;
            for (var j = 0; j < k; j++)
            {
                if (j != i)
                {
                    qHatModQi = ModArith.Multiply(qHatModQi, q.Reduce(moduli[j].Value), q);
                }
            }

            _qHatInverse[i] = ModArith.Inverse(qHatModQi, q);
            _qHatInverseShoup[i] = ModArith.ShoupPrecompute(_qHatInverse[i], q);
            _qHatWords[i] = Product(moduli, i, k + 1);
            _qHatLow[i] = _qHatWords[i][0];
            _inverseModuli[i] = 1.0 / q.Value;
        }

        _halfQWords = new ulong[k + 1];
        for (var w = 0; w < k + 1; w++)
        {
            _halfQWords[w] = (_qWords[w] >> 1) | (w + 1 < k + 1 ? _qWords[w + 1] << 63 : 0);
        }
    }

    /// <summary>residues: limb-major (prime j at [j·n, (j+1)·n)); writes the centered values times <paramref name="factor"/>.</summary>
    public void Compose(ReadOnlySpan<ulong> residues, int n, double factor, Span<double> destination)
    {
        var k = _moduli.Length;
        if (k == 1)
        {
            var q = _moduli[0].Value;
            var halfQ = q >> 1;
            for (var c = 0; c < n; c++)
            {
                var x = residues[c];
                destination[c] = (x > halfQ ? -(double)(q - x) : x) * factor;
            }

            return;
        }

        Span<ulong> y = stackalloc ulong[k];
        for (var c = 0; c < n; c++)
        {
            var sum = 0.0;
            ulong wrapped = 0;
            for (var i = 0; i < k; i++)
            {
                y[i] = ModArith.MultiplyShoup(residues[(i * n) + c], _qHatInverse[i], _qHatInverseShoup[i], _moduli[i]);
                sum += y[i] * _inverseModuli[i];
                wrapped += y[i] * _qHatLow[i];
            }

            var v = Math.Round(sum);
            var candidate = (long)(wrapped - ((ulong)(long)v * _qLow));
            destination[c] = (Matches(candidate, residues, n, c) ? candidate : ComposeExact(y)) * factor;
        }
    }

    private bool Matches(long candidate, ReadOnlySpan<ulong> residues, int n, int c)
    {
        for (var i = 0; i < _moduli.Length; i++)
        {
            var q = _moduli[i];
            var r = candidate >= 0 ? q.Reduce((ulong)candidate) : ModArith.Negate(q.Reduce((ulong)-candidate), q);
            if (r != residues[(i * n) + c])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Exact multi-word composition for values of 63 bits or more.</summary>
    private double ComposeExact(ReadOnlySpan<ulong> y)
    {
        var words = _qWords.Length;
        Span<ulong> x = stackalloc ulong[words + 1];
        x.Clear();
        for (var i = 0; i < y.Length; i++)
        {
            ulong carry = 0;
            for (var w = 0; w < words; w++)
            {
                var full = ((UInt128)_qHatWords[i][w] * y[i]) + x[w] + carry;
                x[w] = (ulong)full;
                carry = (ulong)(full >> 64);
            }

            x[words] += carry;
        }

        while (Compare(x, _qWords) >= 0)
        {
            Subtract(x, _qWords);
        }

        var negative = Compare(x, _halfQWords) > 0;
        if (negative)
        {
            Span<ulong> q = stackalloc ulong[words + 1];
            _qWords.CopyTo(q);
            q[words] = 0;
            Subtract(q, x);
            q.CopyTo(x);
        }

        var value = 0.0;
        for (var w = words; w >= 0; w--)
        {
            value = (value * 18446744073709551616.0) + x[w];
        }

        return negative ? -value : value;
    }

    private static int Compare(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        for (var w = Math.Max(a.Length, b.Length) - 1; w >= 0; w--)
        {
            var aw = w < a.Length ? a[w] : 0;
            var bw = w < b.Length ? b[w] : 0;
            if (aw != bw)
            {
                return aw > bw ? 1 : -1;
            }
        }

        return 0;
    }

    private static void Subtract(Span<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong borrow = 0;
        for (var w = 0; w < a.Length; w++)
        {
            var bw = w < b.Length ? b[w] : 0;
            var difference = a[w] - bw - borrow;
            borrow = (a[w] < bw || (a[w] == bw && borrow == 1)) ? 1UL : 0UL;
            a[w] = difference;
        }
    }

    private static ulong[] Product(SmallModulus[] moduli, int skip, int words)
    {
        var product = new ulong[words];
        product[0] = 1;
        for (var i = 0; i < moduli.Length; i++)
        {
            if (i == skip)
            {
                continue;
            }

            ulong carry = 0;
            for (var w = 0; w < words; w++)
            {
                var full = ((UInt128)product[w] * moduli[i].Value) + carry;
                product[w] = (ulong)full;
                carry = (ulong)(full >> 64);
            }
        }

        return product;
    }
}
