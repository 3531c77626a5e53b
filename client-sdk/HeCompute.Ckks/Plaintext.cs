using System.Globalization;
using System.Text;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Plaintext</c>, a handle on a core <see cref="Rlwe.Plaintext"/>. A CKKS plaintext is one RNS polynomial
/// in NTT form at some level, <see cref="CoeffCount"/> = N × (primes at that level). A plaintext not in NTT form is a
/// plain polynomial, written as SEAL's hexadecimal string (<c>"7FFx^3 + 1x^1 + 3"</c>) by <see cref="ToString"/> and
/// the string constructor.
/// </summary>
public sealed class Plaintext : SealObject<Rlwe.Plaintext>, IEquatable<Plaintext>
{
    /// <summary>Creates an empty plaintext.</summary>
    public Plaintext(MemoryPoolHandle? pool = null) : this(new Rlwe.Plaintext(), pool)
    {
    }

    /// <summary>Creates a plaintext of the given coefficient count, all zero.</summary>
    public Plaintext(ulong coeffCount, MemoryPoolHandle? pool = null) : this(new Rlwe.Plaintext(coeffCount), pool)
    {
    }

    /// <summary>Creates a plaintext of the given coefficient count, all zero, with storage for <paramref name="capacity"/> coefficients.</summary>
    /// <exception cref="ArgumentException"><paramref name="coeffCount"/> exceeds <paramref name="capacity"/>.</exception>
    public Plaintext(ulong capacity, ulong coeffCount, MemoryPoolHandle? pool = null) : this(new Rlwe.Plaintext(capacity, coeffCount), pool)
    {
    }

    /// <summary>Creates the polynomial with these coefficients (constant term first), with storage for <paramref name="capacity"/> coefficients.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="coeffs"/> is null.</exception>
    /// <exception cref="ArgumentException">There are more coefficients than <paramref name="capacity"/>.</exception>
    public Plaintext(IEnumerable<ulong> coeffs, ulong capacity, MemoryPoolHandle? pool = null)
        : this(new Rlwe.Plaintext(capacity, 0), pool)
    {
        ArgumentNullException.ThrowIfNull(coeffs);
        var values = coeffs.ToArray();
        if ((ulong)values.Length > capacity)
        {
            throw new ArgumentException("capacity cannot be smaller than the number of coefficients.", nameof(capacity));
        }

        Core.Set(values);
    }

    /// <summary>Creates the polynomial with these coefficients (constant term first).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="coeffs"/> is null.</exception>
    public Plaintext(IEnumerable<ulong> coeffs, MemoryPoolHandle? pool = null) : this(pool) => Set(coeffs);

    /// <summary>Creates the polynomial written as SEAL's hexadecimal string, e.g. <c>"1x^3 + 2x^1 + F"</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="hexPoly"/> is null.</exception>
    /// <exception cref="ArgumentException">The string is not such a polynomial, or its degree is too large.</exception>
    public Plaintext(string hexPoly, MemoryPoolHandle? pool = null) : this(pool) => Set(hexPoly);

    /// <summary>Copies a plaintext.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Plaintext(Plaintext copy) : this(new Rlwe.Plaintext(Unwrap(copy, nameof(copy))))
    {
    }

    /// <summary>Copies a plaintext into storage of another pool.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Plaintext(Plaintext copy, MemoryPoolHandle pool) : this(new Rlwe.Plaintext(Unwrap(copy, nameof(copy))), pool)
    {
    }

    /// <summary>Wraps a core plaintext (no copy: both handles see the same coefficients).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="core"/> is null.</exception>
    public Plaintext(Rlwe.Plaintext core) : base(core)
    {
    }

    private Plaintext(Rlwe.Plaintext core, MemoryPoolHandle? pool) : base(core, pool)
    {
    }

    /// <summary>The core plaintext this handle wraps, for code that mixes this layer with the core.</summary>
    public Rlwe.Plaintext Core => Wrapped;

    /// <summary>Number of coefficients.</summary>
    public ulong CoeffCount => Core.CoeffCount;

    /// <summary>Number of coefficients the storage holds without reallocating.</summary>
    public ulong Capacity => Core.Capacity;

    /// <summary>One more than the index of the highest non-zero coefficient (0 for the zero polynomial).</summary>
    public ulong SignificantCoeffCount
    {
        get
        {
            var last = Core.Data.LastIndexOfAnyExcept(0UL);
            return (ulong)(last + 1);
        }
    }

    /// <summary>Number of non-zero coefficients.</summary>
    public ulong NonZeroCoeffCount
    {
        get
        {
            var data = Core.Data;
            ulong count = 0;
            foreach (var coefficient in data)
            {
                count += coefficient == 0 ? 0UL : 1UL;
            }

            return count;
        }
    }

    /// <summary>The level this plaintext is encoded at (zero if not in NTT form); a copy, as in SEALNet.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public ParmsId ParmsId
    {
        get => new(Core.ParmsId);
        set => Core.ParmsId = ParmsId.Require(value, nameof(value));
    }

    /// <summary>The CKKS scale the message was multiplied by.</summary>
    public double Scale
    {
        get => Core.Scale;
        set => Core.Scale = value;
    }

    /// <summary>Whether the plaintext is in NTT form (CKKS plaintexts always are once encoded).</summary>
    public bool IsNTTForm => Core.IsNTTForm;

    /// <summary>Whether every coefficient is zero.</summary>
    public bool IsZero => Core.IsZero;

    /// <summary>Coefficient access.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="coeffIndex"/> is not below <see cref="CoeffCount"/>.</exception>
    public ulong this[ulong coeffIndex]
    {
        get => Core[coeffIndex];
        set => Core[coeffIndex] = value;
    }

    /// <summary>Gives the storage room for exactly <paramref name="capacity"/> coefficients (truncating the coefficients if there are more).</summary>
    public void Reserve(ulong capacity) => Core.Reserve(capacity);

    /// <summary>Frees the storage beyond <see cref="CoeffCount"/>.</summary>
    public void ShrinkToFit() => Core.ShrinkToFit();

    /// <summary>Resizes to <paramref name="coeffCount"/> coefficients, keeping the common prefix (new ones are zero).</summary>
    public void Resize(ulong coeffCount) => Core.Resize(coeffCount);

    /// <summary>Makes this a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(Plaintext assign) => Core.Set(Unwrap(assign, nameof(assign)));

    /// <summary>Makes this the polynomial written as SEAL's hexadecimal string.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="hexPoly"/> is null.</exception>
    /// <exception cref="ArgumentException">The string is not such a polynomial, or its degree is too large.</exception>
    public void Set(string hexPoly) => Core.Set(HexPolynomial.Parse(hexPoly ?? throw new ArgumentNullException(nameof(hexPoly))));

    /// <summary>Makes this the polynomial with these coefficients (constant term first).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="coeffs"/> is null.</exception>
    public void Set(IEnumerable<ulong> coeffs)
    {
        ArgumentNullException.ThrowIfNull(coeffs);
        Core.Set(coeffs.ToArray());
    }

    /// <summary>Makes this the constant polynomial <paramref name="constCoeff"/>.</summary>
    public void Set(ulong constCoeff) => Core.Set([constCoeff]);

    /// <summary>Sets <paramref name="length"/> coefficients from <paramref name="startCoeff"/> on to zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the coefficients.</exception>
    public void SetZero(ulong startCoeff, ulong length) => Core.SetZero(startCoeff, length);

    /// <summary>Sets the coefficients from <paramref name="startCoeff"/> on to zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="startCoeff"/> exceeds <see cref="CoeffCount"/>.</exception>
    public void SetZero(ulong startCoeff) => Core.SetZero(startCoeff, CoeffCount - Math.Min(startCoeff, CoeffCount));

    /// <summary>Sets every coefficient to zero.</summary>
    public void SetZero() => Core.SetZero();

    /// <summary>Clears the coefficients and releases the storage.</summary>
    public void Release() => Core.Release();

    /// <summary>As <see cref="SealObject{TCore}.Load(SEALContext, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="EndOfStreamException">The stream ends before the object does.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    public long Load(SEALContext context, Stream stream, long maxBytes) => SealLoad.Run(() => Core.Load(LoadParameters(context, stream), stream, maxBytes));

    /// <summary>The polynomial as SEAL's hexadecimal string, highest power first (<c>"0"</c> for the zero polynomial).</summary>
    /// <exception cref="InvalidOperationException">The plaintext is in NTT form (its words are not a polynomial's coefficients).</exception>
    public override string ToString() => IsNTTForm
        ? throw new InvalidOperationException("A plaintext in NTT form has no polynomial string.")
        : HexPolynomial.Format(Core.Data);

    /// <summary>
    /// SEAL's equality: both in NTT form at the same level or both not, the same significant coefficients (trailing
    /// zeros and capacity do not count) and scales within SEAL's relative tolerance.
    /// </summary>
    public bool Equals(Plaintext? other)
    {
        if (other is null)
        {
            return false;
        }

        var mine = Core;
        var theirs = other.Core;
        var sameLevel = mine.IsNTTForm == theirs.IsNTTForm && (!mine.IsNTTForm || mine.ParmsId == theirs.ParmsId);
        var count = (int)SignificantCoeffCount;
        return sameLevel
            && count == (int)other.SignificantCoeffCount
            && mine.Data[..count].SequenceEqual(theirs.Data[..count])
            && AreClose(mine.Scale, theirs.Scale);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Plaintext);

    /// <summary>A hash of the significant coefficients (equal plaintexts have equal hashes).</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var coefficient in Core.Data[..(int)SignificantCoeffCount])
        {
            hash.Add(coefficient);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    private protected override long StorageBytes(Rlwe.Plaintext core) => (long)core.Capacity * sizeof(ulong);

    // SEAL's are_close: within machine epsilon relative to the larger magnitude (or to 1).
    private static bool AreClose(double a, double b) =>
        Math.Abs(a - b) < Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), 1.0) * MachineEpsilon;

    private const double MachineEpsilon = 2.220446049250313e-16;
}

/// <summary>SEAL's hexadecimal polynomial strings: terms <c>Cx^k</c> (C hexadecimal, k decimal) joined by <c>" + "</c>, highest power first.</summary>
internal static class HexPolynomial
{
    /// <summary>The coefficients (constant term first) of a polynomial string.</summary>
    /// <exception cref="ArgumentException">The string is malformed, its powers do not decrease, or its degree is too large.</exception>
    internal static ulong[] Parse(string text)
    {
        var terms = text.Split('+', StringSplitOptions.TrimEntries);
        ulong[]? coefficients = null;
        var previousPower = long.MaxValue;
        foreach (var term in terms)
        {
            var x = term.IndexOf('x', StringComparison.Ordinal);
            var coefficientText = x < 0 ? term : term[..x];
            long power = 0;
            if (x >= 0 && (!term.AsSpan(x).StartsWith("x^") || !long.TryParse(term.AsSpan(x + 2), NumberStyles.None, CultureInfo.InvariantCulture, out power)))
            {
                throw Malformed(text);
            }

            if (!ulong.TryParse(coefficientText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var coefficient) || coefficientText.Length > 16)
            {
                throw Malformed(text);
            }

            if (power >= previousPower)
            {
                throw new ArgumentException($"The powers of \"{text}\" do not strictly decrease.", nameof(text));
            }

            if (power >= Array.MaxLength)
            {
                throw new ArgumentException($"The degree {power} of \"{text}\" is too large.", nameof(text));
            }

            coefficients ??= new ulong[power + 1];
            coefficients[power] = coefficient;
            previousPower = power;
        }

        return coefficients ?? throw Malformed(text);
    }

    /// <summary>The string of a polynomial (coefficients constant term first).</summary>
    internal static string Format(ReadOnlySpan<ulong> coefficients)
    {
        var builder = new StringBuilder();
        for (var power = coefficients.Length - 1; power >= 0; power--)
        {
            if (coefficients[power] == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(" + ");
            }

            builder.Append(coefficients[power].ToString("X", CultureInfo.InvariantCulture));
            if (power > 0)
            {
                builder.Append("x^").Append(power.ToString(CultureInfo.InvariantCulture));
            }
        }

        return builder.Length == 0 ? "0" : builder.ToString();
    }

    private static ArgumentException Malformed(string text) => new($"\"{text}\" is not a polynomial in SEAL's hexadecimal form.", nameof(text));
}
