using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

/// <summary>
/// Encodes vectors of up to N/2 real or complex numbers into CKKS plaintexts and back, in SEAL's slot order
/// (SEALNet's <c>CKKSEncoder</c>): slot i is the evaluation at ζ^(3^i mod 2N), so rotations by Galois element 3^k
/// shift the slots by k.
/// </summary>
public sealed class Encoder
{
    private readonly Parameters _parameters;
    private readonly SlotFft _fft;
    private readonly ConcurrentDictionary<ParmsId, CrtComposer> _composers = new();

    /// <summary>Creates an encoder.</summary>
    public Encoder(Parameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _fft = new SlotFft(parameters.FirstLevel.N);
    }

    /// <summary>Number of slots: N/2.</summary>
    public int SlotCount => _fft.SlotCount;

    /// <summary>Encodes real values (zero-padded) at a level and scale.</summary>
    public void Encode(IEnumerable<double> values, ParmsId parmsId, double scale, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(values);
        Encode(values is double[] array ? array : values.ToArray(), parmsId, scale, destination);
    }

    /// <summary>Encodes real values at the first level.</summary>
    public void Encode(IEnumerable<double> values, double scale, Plaintext destination) =>
        Encode(values, _parameters.FirstParmsId, scale, destination);

    /// <summary>Encodes complex values (zero-padded) at a level and scale.</summary>
    public void Encode(IEnumerable<Complex> values, ParmsId parmsId, double scale, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToArray();
        var re = new double[list.Length];
        var im = new double[list.Length];
        for (var i = 0; i < list.Length; i++)
        {
            re[i] = list[i].Real;
            im[i] = list[i].Imaginary;
        }

        EncodeSlots(re, im, parmsId, scale, destination);
    }

    /// <summary>Encodes complex values at the first level.</summary>
    public void Encode(IEnumerable<Complex> values, double scale, Plaintext destination) =>
        Encode(values, _parameters.FirstParmsId, scale, destination);

    /// <summary>Encodes real values from a span (no intermediate copies of the input).</summary>
    public void Encode(ReadOnlySpan<double> values, ParmsId parmsId, double scale, Plaintext destination) =>
        EncodeSlots(values, [], parmsId, scale, destination);

    /// <summary>Encodes one real value into every slot: the constant polynomial value × scale.</summary>
    public void Encode(double value, ParmsId parmsId, double scale, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = _parameters.RequireLevel(parmsId, "The requested level");
        CheckScale(scale, level);
        var scaled = value * scale;
        CheckMagnitude(Math.Abs(scaled), level);
        Fill(destination, level, scale, c => c == 0 ? scaled : 0.0);
    }

    /// <summary>Encodes one real value into every slot at the first level.</summary>
    public void Encode(double value, double scale, Plaintext destination) => Encode(value, _parameters.FirstParmsId, scale, destination);

    /// <summary>Encodes one complex value into every slot.</summary>
    public void Encode(Complex value, ParmsId parmsId, double scale, Plaintext destination)
    {
        var count = _fft.SlotCount;
        var re = new double[count];
        var im = new double[count];
        Array.Fill(re, value.Real);
        Array.Fill(im, value.Imaginary);
        EncodeSlots(re, im, parmsId, scale, destination);
    }

    /// <summary>Encodes one complex value into every slot at the first level.</summary>
    public void Encode(Complex value, double scale, Plaintext destination) => Encode(value, _parameters.FirstParmsId, scale, destination);

    /// <summary>Encodes an integer into every slot with scale 1 (the constant polynomial).</summary>
    public void Encode(long value, ParmsId parmsId, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = _parameters.RequireLevel(parmsId, "The requested level");
        CheckMagnitude(Math.Abs((double)value), level);
        Fill(destination, level, 1.0, c => c == 0 ? value : 0.0);
    }

    /// <summary>Encodes an integer into every slot at the first level.</summary>
    public void Encode(long value, Plaintext destination) => Encode(value, _parameters.FirstParmsId, destination);

    /// <summary>Decodes into real values (the real parts of the slots).</summary>
    public void Decode(Plaintext plain, ICollection<double> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var re = new double[_fft.SlotCount];
        Decode(plain, re, []);
        destination.Clear();
        foreach (var value in re)
        {
            destination.Add(value);
        }
    }

    /// <summary>Decodes into complex values.</summary>
    public void Decode(Plaintext plain, ICollection<Complex> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var re = new double[_fft.SlotCount];
        var im = new double[_fft.SlotCount];
        Decode(plain, re, im);
        destination.Clear();
        for (var i = 0; i < re.Length; i++)
        {
            destination.Add(new Complex(re[i], im[i]));
        }
    }

    /// <summary>Decodes the real parts (and, if <paramref name="imaginary"/> is not empty, the imaginary parts) of every slot.</summary>
    public void Decode(Plaintext plain, Span<double> real, Span<double> imaginary)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var slots = _fft.SlotCount;
        if (real.Length < slots || (imaginary.Length != 0 && imaginary.Length < slots))
        {
            throw new ArgumentException($"Destination spans need room for {slots} slots.");
        }

        if (!plain.IsNTTForm)
        {
            throw new InvalidOperandException("A CKKS plaintext must be in NTT form.");
        }

        var level = _parameters.RequireLevel(plain.ParmsId, "The plaintext");
        if (!(plain.Scale > 0) || !double.IsFinite(plain.Scale) || (int)Math.Log2(plain.Scale) >= level.TotalModulusBits)
        {
            throw new ScaleMismatchException($"Plaintext scale {plain.Scale} is out of bounds for the {level.TotalModulusBits}-bit modulus at its level.");
        }

        var n = level.N;
        var k = level.CoeffModulusSize;
        var pool = ArrayPool<ulong>.Shared;
        var doubles = ArrayPool<double>.Shared;
        var residues = pool.Rent(n * k);
        var coefficients = doubles.Rent(n);
        var workRe = doubles.Rent(slots);
        var workIm = doubles.Rent(slots);
        var imaginaryScratch = imaginary.Length == 0 ? doubles.Rent(slots) : null;
        try
        {
            Memory<ulong> memory = residues.AsMemory(0, n * k);
            plain.Data[..(n * k)].CopyTo(memory.Span);
            LimbParallel.For(k, n, j => level.Ntt[j].Inverse(memory.Span.Slice(j * n, n)));
            var composer = _composers.GetOrAdd(level.ParmsId, static (_, moduli) => new CrtComposer(moduli), level.Moduli);
            composer.Compose(memory.Span, n, 1.0 / plain.Scale, coefficients.AsSpan(0, n));
            _fft.Decode(coefficients.AsSpan(0, n), workRe.AsSpan(0, slots), workIm.AsSpan(0, slots), real[..slots],
                imaginary.Length == 0 ? imaginaryScratch.AsSpan(0, slots) : imaginary[..slots]);
        }
        finally
        {
            pool.Return(residues);
            doubles.Return(coefficients);
            doubles.Return(workRe);
            doubles.Return(workIm);
            if (imaginaryScratch is not null)
            {
                doubles.Return(imaginaryScratch);
            }
        }
    }

    private void EncodeSlots(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ParmsId parmsId, double scale, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var slots = _fft.SlotCount;
        if (re.Length > slots)
        {
            throw new ArgumentException($"At most {slots} values fit in the slots; got {re.Length}.");
        }

        var level = _parameters.RequireLevel(parmsId, "The requested level");
        if (level == _parameters.KeyLevel && _parameters.KeyLevel != _parameters.FirstLevel)
        {
            throw new ParmsIdMismatchException("Plaintexts cannot be encoded at the key level.");
        }

        CheckScale(scale, level);
        foreach (var value in re)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException("Values to encode must be finite.");
            }
        }

        foreach (var value in im)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException("Values to encode must be finite.");
            }
        }

        var n = level.N;
        var doubles = ArrayPool<double>.Shared;
        var coefficients = doubles.Rent(n);
        var workRe = doubles.Rent(slots);
        var workIm = doubles.Rent(slots);
        var imagPadded = doubles.Rent(re.Length);
        try
        {
            var imSpan = imagPadded.AsSpan(0, re.Length);
            imSpan.Clear();
            im[..Math.Min(im.Length, re.Length)].CopyTo(imSpan);
            var coefficientSpan = coefficients.AsSpan(0, n);
            _fft.Encode(re, imSpan, workRe.AsSpan(0, slots), workIm.AsSpan(0, slots), coefficientSpan);
            var max = 0.0;
            for (var c = 0; c < n; c++)
            {
                coefficientSpan[c] *= scale;
                max = Math.Max(max, Math.Abs(coefficientSpan[c]));
            }

            CheckMagnitude(max, level);
            var captured = coefficients;
            Fill(destination, level, scale, c => captured[c]);
        }
        finally
        {
            doubles.Return(coefficients);
            doubles.Return(workRe);
            doubles.Return(workIm);
            doubles.Return(imagPadded);
        }
    }

    private static void CheckScale(double scale, Level level)
    {
        if (!double.IsNormal(scale) || scale <= 0 || (int)Math.Log2(scale) + 1 >= level.TotalModulusBits)
        {
            throw new ScaleMismatchException($"Scale {scale} is out of bounds: it must be positive and below 2^{level.TotalModulusBits - 1} at this level.");
        }
    }

    private static void CheckMagnitude(double max, Level level)
    {
        if (!double.IsFinite(max) || Math.Ceiling(Math.Log2(Math.Max(max, 1.0))) + 1 >= level.TotalModulusBits)
        {
            throw new ArgumentException($"Encoded values are too large: the scaled coefficients need more than the {level.TotalModulusBits} bits of the modulus at this level.");
        }
    }

    /// <summary>Rounds each scaled coefficient, reduces it modulo every prime and transforms to NTT form.</summary>
    private static void Fill(Plaintext destination, Level level, double scale, Func<int, double> coefficient)
    {
        var n = level.N;
        var k = level.CoeffModulusSize;
        destination.Resize((ulong)(n * k));
        var data = destination.Data;
        for (var c = 0; c < n; c++)
        {
            var value = Math.Round(coefficient(c));
            if (Math.Abs(value) < 9.2e18)
            {
                var integer = (long)value;
                var magnitude = (ulong)Math.Abs(integer);
                for (var j = 0; j < k; j++)
                {
                    var q = level.Moduli[j];
                    var r = q.Reduce(magnitude);
                    data[(j * n) + c] = integer < 0 ? ModArith.Negate(r, q) : r;
                }
            }
            else
            {
                // |value| ≥ 2^63: an integer m·2^e with a 53-bit mantissa m, reduced as (m mod q)·(2^e mod q).
                var bits = BitConverter.DoubleToInt64Bits(Math.Abs(value));
                var exponent = (int)((bits >> 52) & 0x7FF) - 1075;
                var mantissa = (ulong)(bits & 0xFFFFFFFFFFFFFL) | (1UL << 52);
                for (var j = 0; j < k; j++)
                {
                    var q = level.Moduli[j];
                    var r = ModArith.Multiply(q.Reduce(mantissa), ModArith.Pow(2, (ulong)exponent, q), q);
                    data[(j * n) + c] = value < 0 ? ModArith.Negate(r, q) : r;
                }
            }
        }

        for (var j = 0; j < k; j++)
        {
            level.Ntt[j].Forward(destination.Limb(j, n));
        }

        destination.ParmsId = level.ParmsId;
        destination.Scale = scale;
    }
}
