namespace HeCompute.Lattice.Hashing;

/// <summary>
/// Identifies the PRNG that expands a seed (SEAL's <c>prng_type</c>; the values are written into
/// serialized seeded objects).
/// </summary>
internal enum PrngType : byte
{
    /// <summary>No or unrecognized PRNG. SEAL loads this value but cannot expand it.</summary>
    Unknown = 0,

    /// <summary>BLAKE2Xb; SEAL's default PRNG.</summary>
    Blake2xb = 1,

    /// <summary>SHAKE256.</summary>
    Shake256 = 2,
}
