using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics;

/// <summary>
/// Where blocks keep plaintexts they encode once and use in many products (a matrix's diagonals). A host puts these
/// under its memory budget and may evict any entry at any time: a block holds the <see cref="EncodedPlaintexts"/> it
/// got for the whole of one product, so an eviction costs a later product an encoding, never a running one its operands.
/// </summary>
/// <remarks>
/// Encoded plaintexts depend on the parameters, level and scale only, never on keys, so every key set of one parameter
/// set shares an entry.
/// </remarks>
public interface IPlaintextCache
{
    /// <summary>The plaintexts cached under <paramref name="key"/>, or those <paramref name="encode"/> makes (then cached if they fit).</summary>
    /// <remarks>Concurrent misses may each encode; all later callers get the entry kept.</remarks>
    EncodedPlaintexts GetOrAdd(EncodedPlaintextKey key, Func<EncodedPlaintextKey, EncodedPlaintexts> encode);
}

/// <summary>Identifies a set of encoded plaintexts.</summary>
/// <param name="Owner">The block that encodes them, compared by reference (its plaintexts are its own).</param>
/// <param name="ParmsId">The parameter set's parms_id (its key level's, the one a plan names).</param>
/// <param name="Level">The level (chain index) encoded at.</param>
/// <param name="Scale">The plaintext scale encoded at.</param>
public readonly record struct EncodedPlaintextKey(object Owner, ParmsId ParmsId, int Level, double Scale);

/// <summary>Plaintexts a block encoded for one <see cref="EncodedPlaintextKey"/> (null where it needs none), and the bytes they hold.</summary>
public sealed class EncodedPlaintexts
{
    private readonly Plaintext?[] _plaintexts;

    /// <summary>Wraps encoded plaintexts; the caller gives up the array.</summary>
    public EncodedPlaintexts(Plaintext?[] plaintexts)
    {
        ArgumentNullException.ThrowIfNull(plaintexts);
        _plaintexts = plaintexts;
        long bytes = 0;
        foreach (var plaintext in plaintexts)
        {
            bytes += plaintext is null ? 0 : (long)plaintext.CoeffCount * sizeof(ulong);
        }

        Bytes = bytes;
    }

    /// <summary>Number of slots in the set (encoded or null).</summary>
    public int Count => _plaintexts.Length;

    /// <summary>Bytes of coefficient data held (what a host budgets by).</summary>
    public long Bytes { get; }

    /// <summary>Plaintext <paramref name="index"/>, or null where the block needs none.</summary>
    public Plaintext? this[int index] => _plaintexts[index];
}
