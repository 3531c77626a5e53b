using HeCompute.Lattice;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// An integer modulus of at most 61 bits (SEALNet's <c>Modulus</c>). Coefficient moduli of CKKS parameters are
/// primes congruent to 1 modulo 2N; the value 0 stands for "no modulus" (a CKKS plain modulus).
/// </summary>
public sealed class Modulus : IEquatable<Modulus>, IComparable<Modulus>, IDisposable
{
    private const ulong MaxValueExclusive = 1UL << 61;

    /// <summary>Creates the zero modulus.</summary>
    public Modulus()
    {
    }

    /// <summary>Creates a modulus; throws if the value is 1 or at least 2^61.</summary>
    public Modulus(ulong value)
    {
        if (value == 1 || value >= MaxValueExclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A modulus is 0 or in [2, 2^61).");
        }

        Value = value;
    }

    /// <summary>Copies a modulus.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Modulus(Modulus copy) => Value = (copy ?? throw new ArgumentNullException(nameof(copy))).Value;

    /// <summary>The value.</summary>
    public ulong Value { get; }

    /// <summary>Number of significant bits of the value.</summary>
    public int BitCount => Value == 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(Value);

    /// <summary>Number of 64-bit words (always 1, as in SEAL).</summary>
    public ulong UInt64Count => 1;

    /// <summary>Whether the value is zero.</summary>
    public bool IsZero => Value == 0;

    /// <summary>Whether the value is prime.</summary>
    public bool IsPrime => Value > 1 && ModArith.IsPrime(Value);

    /// <summary>Reduces a 64-bit value modulo this modulus.</summary>
    public ulong Reduce(ulong value) => Value == 0
        ? throw new InvalidOperationException("Cannot reduce modulo zero.")
        : value % Value;

    /// <summary>Saves in SEAL's format (a header and the u64 value).</summary>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        Span<byte> body = stackalloc byte[sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(body, Value);
        return SealSerialization.Save(stream, comprMode.ToCore() ?? SealSerialization.DefaultCompression, body);
    }

    /// <summary>Loads a modulus saved by SEAL or by <see cref="Save"/>.</summary>
    public static Modulus Load(Stream stream)
    {
        var body = SealSerialization.ReadBody(stream, 64, out _);
        var reader = new SealBodyReader(body);
        var value = reader.ReadUInt64();
        reader.EnsureEnd();
        return FromWire(value, reader.Position);
    }

    internal static Modulus FromWire(ulong value, long offset) =>
        value == 1 || value >= MaxValueExclusive
            ? throw new SealFormatException($"Modulus value {value} is invalid: a modulus is 0 or in [2, 2^61).", offset)
            : new Modulus(value);

    /// <inheritdoc/>
    public bool Equals(Modulus? other) => other is not null && other.Value == Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Modulus other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Modulus? other) => other is null ? 1 : Value.CompareTo(other.Value);

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

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
