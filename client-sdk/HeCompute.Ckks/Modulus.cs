using HeCompute.Ckks.Tools;
using HeCompute.Lattice;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// An integer modulus of at most 61 bits (SEALNet's <c>Modulus</c>), mutable through <see cref="Set(ulong)"/> as in
/// SEALNet. Coefficient moduli of CKKS parameters are primes congruent to 1 modulo 2N; the value 0 stands for "no
/// modulus" (a CKKS plain modulus). <see cref="EncryptionParameters"/> copies the moduli it is given and returns
/// copies, so changing one afterwards changes no parameters.
/// </summary>
public sealed class Modulus : DisposableObject, IEquatable<Modulus>, IEquatable<ulong>, IComparable<Modulus>, IComparable<ulong>
{
    private const ulong MaxValueExclusive = 1UL << 61;
    private ulong _value;

    /// <summary>Creates the zero modulus.</summary>
    public Modulus()
    {
    }

    /// <summary>Creates a modulus.</summary>
    /// <exception cref="ArgumentException">The value is 1 or at least 2^61.</exception>
    public Modulus(ulong value) => Set(value);

    /// <summary>Copies a modulus.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Modulus(Modulus copy) => _value = (copy ?? throw new ArgumentNullException(nameof(copy))).Value;

    /// <summary>Copies the value of another modulus.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(Modulus assign)
    {
        ArgumentNullException.ThrowIfNull(assign);
        Set(assign.Value);
    }

    /// <summary>Sets the value.</summary>
    /// <exception cref="ArgumentException">The value is 1 or at least 2^61.</exception>
    public void Set(ulong value)
    {
        if (value == 1 || value >= MaxValueExclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A modulus is 0 or in [2, 2^61).");
        }

        ThrowIfDisposed();
        _value = value;
    }

    /// <summary>The value.</summary>
    public ulong Value
    {
        get
        {
            ThrowIfDisposed();
            return _value;
        }
    }

    /// <summary>Number of significant bits of the value.</summary>
    public int BitCount => Value == 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(Value);

    /// <summary>Number of 64-bit words (always 1, as in SEAL).</summary>
    public ulong UInt64Count => 1;

    /// <summary>
    /// SEAL's Barrett ratio: the low and high words of floor(2^128 / value), then the remainder of 2^128 by the value
    /// (all zero for the zero modulus).
    /// </summary>
    public Tuple<ulong, ulong, ulong> ConstRatio
    {
        get
        {
            var value = Value;
            if (value == 0)
            {
                return new Tuple<ulong, ulong, ulong>(0, 0, 0);
            }

            var quotient = UInt128.DivRem(UInt128.MaxValue, value);
            // 2^128 = MaxValue + 1: one more unit of remainder, carried into the quotient when it reaches the value.
            var remainder = (ulong)quotient.Remainder + 1;
            var ratio = quotient.Quotient;
            if (remainder == value)
            {
                remainder = 0;
                ratio++;
            }

            return new Tuple<ulong, ulong, ulong>((ulong)ratio, (ulong)(ratio >> 64), remainder);
        }
    }

    /// <summary>Whether the value is zero.</summary>
    public bool IsZero => Value == 0;

    /// <summary>Whether the value is prime.</summary>
    public bool IsPrime => Value > 1 && ModArith.IsPrime(Value);

    /// <summary>Reduces a 64-bit value modulo this modulus.</summary>
    /// <exception cref="InvalidOperationException">The modulus is zero.</exception>
    public ulong Reduce(ulong value) => Value == 0
        ? throw new InvalidOperationException("Cannot reduce modulo zero.")
        : value % Value;

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) =>
        SealSerialization.SaveSize(sizeof(ulong), comprMode.ToCore() ?? SealSerialization.DefaultCompression);

    /// <summary>Saves in SEAL's format (a header and the u64 value).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> body = stackalloc byte[sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(body, Value);
        return SealSerialization.Save(stream, comprMode.ToCore() ?? SealSerialization.DefaultCompression, body);
    }

    /// <summary>Replaces the value with one saved by SEAL or by <see cref="Save"/>.</summary>
    /// <returns>The bytes read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="EndOfStreamException">The stream ends before the object does.</exception>
    /// <exception cref="SealFormatException">The bytes are not a SEAL modulus.</exception>
    public long Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var body = SealLoad.ReadBody(stream, 64, out var header);
        var reader = new SealBodyReader(body);
        var value = reader.ReadUInt64();
        reader.EnsureEnd();
        if (value == 1 || value >= MaxValueExclusive)
        {
            throw new SealFormatException($"Modulus value {value} is invalid: a modulus is 0 or in [2, 2^61).", reader.Position);
        }

        Set(value);
        return (long)header.Size;
    }

    /// <summary>A modulus with the given value.</summary>
    /// <exception cref="ArgumentException">The value is 1 or at least 2^61.</exception>
    public static explicit operator Modulus(ulong value) => new(value);

    /// <inheritdoc/>
    public bool Equals(Modulus? other) => other is not null && other.Value == Value;

    /// <summary>Whether the value equals <paramref name="other"/>.</summary>
    public bool Equals(ulong other) => Value == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Modulus other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Modulus? other) => other is null ? 1 : Value.CompareTo(other.Value);

    /// <summary>Compares the value with <paramref name="other"/>.</summary>
    public int CompareTo(ulong other) => Value.CompareTo(other);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Equality.</summary>
    public static bool operator ==(Modulus? left, Modulus? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Modulus? left, Modulus? right) => !(left == right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Modulus? left, Modulus? right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Modulus? left, Modulus? right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Modulus? left, Modulus? right) => !(left > right);

    /// <summary>Ordering.</summary>
    public static bool operator >=(Modulus? left, Modulus? right) => !(left < right);
}
