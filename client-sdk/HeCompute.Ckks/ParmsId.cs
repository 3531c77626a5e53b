using System.Buffers.Binary;
using System.Globalization;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>ParmsId</c>: a class holding the four 64-bit words of a parms_id in a writable <see cref="Block"/>.
/// The core identifies levels by the value type <see cref="Rlwe.ParmsId"/>; this class converts to and from it.
/// </summary>
public sealed class ParmsId : IEquatable<ParmsId>
{
    private const int WordCount = 4;

    /// <summary>Creates the zero parms_id.</summary>
    public ParmsId()
    {
    }

    /// <summary>Copies a parms_id.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public ParmsId(ParmsId other)
    {
        ArgumentNullException.ThrowIfNull(other);
        other.Block.AsSpan().CopyTo(Block);
    }

    /// <summary>Wraps a core parms_id (its words copied).</summary>
    public ParmsId(Rlwe.ParmsId value)
    {
        // The core's wire form is the four words little-endian, in order: SEALNet's Block.
        Span<byte> bytes = stackalloc byte[Rlwe.ParmsId.ByteCount];
        value.Write(bytes);
        for (var i = 0; i < WordCount; i++)
        {
            Block[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * i)..]);
        }
    }

    /// <summary>The parms_id of no parameters (SEALNet's <c>ParmsId.Zero</c>; a new instance each time, so it cannot be altered).</summary>
    public static ParmsId Zero => new();

    /// <summary>The four words of the hash, writable as in SEALNet.</summary>
    public ulong[] Block { get; } = new ulong[WordCount];

    /// <summary>The same parms_id as the core's value type.</summary>
    public Rlwe.ParmsId ToCore() => new(Block[0], Block[1], Block[2], Block[3]);

    /// <summary>SEALNet's form: the four words as 16 upper-case hex digits each, separated by spaces.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Block[0]:X16} {Block[1]:X16} {Block[2]:X16} {Block[3]:X16}");

    /// <inheritdoc/>
    public bool Equals(ParmsId? other) => other is not null && Block.AsSpan().SequenceEqual(other.Block);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ParmsId);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Block[0], Block[1], Block[2], Block[3]);

    /// <summary>Equality (two nulls are equal, as in SEALNet).</summary>
    public static bool operator ==(ParmsId? left, ParmsId? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ParmsId? left, ParmsId? right) => !(left == right);

    /// <summary>The core value of a parms_id argument, refusing null as SEALNet does.</summary>
    internal static Rlwe.ParmsId Require(ParmsId? parmsId, string name)
    {
        ArgumentNullException.ThrowIfNull(parmsId, name);
        return parmsId.ToCore();
    }
}
