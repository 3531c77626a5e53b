namespace HeCompute.Lattice.Serialization;

/// <summary>
/// Caller-settable bound on the bytes one serialized object may occupy (compressed and decompressed). Loaders check it
/// before allocating, so a hostile size field cannot make the process allocate without bound.
/// </summary>
public sealed class SerializationLimits
{
    /// <summary>Creates limits.</summary>
    public SerializationLimits(long maxObjectBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxObjectBytes, SealHeader.ByteCount);
        MaxObjectBytes = maxObjectBytes;
    }

    /// <summary>Largest object accepted.</summary>
    public long MaxObjectBytes { get; }

    /// <summary>
    /// The default: 1 GiB, enough for SEAL's full default Galois key set at N = 16384 (191 MB) and far below what
    /// would exhaust a server. Loaders also bound every object by what its parameters allow.
    /// </summary>
    public static SerializationLimits Default { get; } = new(1L << 30);
}
