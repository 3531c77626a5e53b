using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

/// <summary>
/// The canonical embedding of CKKS in SEAL's slot order, computed with one complex FFT of size N/2.
/// </summary>
/// <remarks>
/// Slot i holds m(ζ^(3^i mod 2N)) with ζ = e^(iπ/N). Fold the real polynomial m into u_k = c_k + i·c_(k+N/2)
/// (k &lt; N/2). Because ζ^(N/2·t) = i^t, for every odd t ≡ 1 (mod 4): m(ζ^t) = Σ u_k ζ^(tk), and for t = 4j + 1
/// this is a size-N/2 DFT of u_k·ζ^k at j. Each slot's root is either such a t or the negative of one, where
/// m(ζ^(−t)) is the conjugate because m is real. So encoding is an inverse DFT and decoding a forward DFT, each with a
/// twist by ζ^(±k) and a slot permutation with optional conjugation.
/// </remarks>
internal sealed class SlotFft
{
    private readonly int _half;
    private readonly int _logHalf;
    private readonly double[] _twistRe;
    private readonly double[] _twistIm;
    private readonly double[] _rootRe;
    private readonly double[] _rootIm;
    private readonly int[] _slotToIndex;
    private readonly bool[] _slotConjugated;
    private readonly int[] _bitReverse;

    public SlotFft(int n)
    {
        _half = n / 2;
        _logHalf = System.Numerics.BitOperations.Log2((uint)_half);
        _twistRe = new double[_half];
        _twistIm = new double[_half];
        for (var k = 0; k < _half; k++)
        {
            var angle = Math.PI * k / n;
            _twistRe[k] = Math.Cos(angle);
            _twistIm[k] = Math.Sin(angle);
        }

        _rootRe = new double[Math.Max(1, _half / 2)];
        _rootIm = new double[Math.Max(1, _half / 2)];
        for (var k = 0; k < _half / 2; k++)
        {
            var angle = 2 * Math.PI * k / _half;
            _rootRe[k] = Math.Cos(angle);
            _rootIm[k] = Math.Sin(angle);
        }

        _bitReverse = new int[_half];
        for (var k = 0; k < _half; k++)
        {
            _bitReverse[k] = _logHalf == 0 ? 0 : (int)(ReverseBits((uint)k) >> (32 - _logHalf));
        }

        _slotToIndex = new int[_half];
        _slotConjugated = new bool[_half];
        var m = 2UL * (ulong)n;
        var t = 1UL;
        for (var i = 0; i < _half; i++)
        {
            var conjugated = (t & 3) != 1;
            var root = conjugated ? m - t : t;
            _slotToIndex[i] = (int)((root - 1) / 4);
            _slotConjugated[i] = conjugated;
            t = (t * 3) % m;
        }
    }

    public int SlotCount => _half;

    /// <summary>Slot values (re, im) → real coefficients c (length N) of the polynomial with those evaluations.</summary>
    public void Encode(ReadOnlySpan<double> slotsRe, ReadOnlySpan<double> slotsIm, Span<double> re, Span<double> im, Span<double> coefficients)
    {
        re.Clear();
        im.Clear();
        for (var i = 0; i < slotsRe.Length; i++)
        {
            var j = _slotToIndex[i];
            re[j] = slotsRe[i];
            im[j] = _slotConjugated[i] ? -slotsIm[i] : slotsIm[i];
        }

        Transform(re, im, inverse: true);
        var scale = 1.0 / _half;
        for (var k = 0; k < _half; k++)
        {
            // u_k = ζ^(−k) · w_k / (N/2)
            var wr = re[k] * scale;
            var wi = im[k] * scale;
            coefficients[k] = (wr * _twistRe[k]) + (wi * _twistIm[k]);
            coefficients[k + _half] = (wi * _twistRe[k]) - (wr * _twistIm[k]);
        }
    }

    /// <summary>Real coefficients c (length N) → slot values (re, im).</summary>
    public void Decode(ReadOnlySpan<double> coefficients, Span<double> re, Span<double> im, Span<double> slotsRe, Span<double> slotsIm)
    {
        for (var k = 0; k < _half; k++)
        {
            var ur = coefficients[k];
            var ui = coefficients[k + _half];
            re[k] = (ur * _twistRe[k]) - (ui * _twistIm[k]);
            im[k] = (ur * _twistIm[k]) + (ui * _twistRe[k]);
        }

        Transform(re, im, inverse: false);
        for (var i = 0; i < slotsRe.Length; i++)
        {
            var j = _slotToIndex[i];
            slotsRe[i] = re[j];
            slotsIm[i] = _slotConjugated[i] ? -im[j] : im[j];
        }
    }

    /// <summary>In-place radix-2 DFT of size N/2: X_j = Σ x_k e^(±2πi·jk/(N/2)), + for forward.</summary>
    private void Transform(Span<double> re, Span<double> im, bool inverse)
    {
        for (var k = 0; k < _half; k++)
        {
            var r = _bitReverse[k];
            if (r > k)
            {
                (re[k], re[r]) = (re[r], re[k]);
                (im[k], im[r]) = (im[r], im[k]);
            }
        }

        var sign = inverse ? -1.0 : 1.0;
        for (var length = 2; length <= _half; length <<= 1)
        {
            var halfLength = length >> 1;
            var stride = _half / length;
            for (var start = 0; start < _half; start += length)
            {
                for (var k = 0; k < halfLength; k++)
                {
                    var wr = _rootRe[k * stride];
                    var wi = sign * _rootIm[k * stride];
                    var a = start + k;
                    var b = a + halfLength;
                    var xr = (re[b] * wr) - (im[b] * wi);
                    var xi = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    private static uint ReverseBits(uint value)
    {
        value = ((value >> 1) & 0x55555555u) | ((value & 0x55555555u) << 1);
        value = ((value >> 2) & 0x33333333u) | ((value & 0x33333333u) << 2);
        value = ((value >> 4) & 0x0F0F0F0Fu) | ((value & 0x0F0F0F0Fu) << 4);
        value = ((value >> 8) & 0x00FF00FFu) | ((value & 0x00FF00FFu) << 8);
        return (value >> 16) | (value << 16);
    }
}
