namespace HeCompute.Lattice.Hashing;

/// <summary>How many BLAKE2b compressions (output nodes, or roots of consecutive blocks) <see cref="Blake2xbPrng"/> runs at once.</summary>
internal enum Blake2xbLanes
{
    /// <summary>One block at a time through the reference <see cref="Blake2xb"/> code; runs everywhere.</summary>
    Scalar = 1,

    /// <summary>Four at a time, one per 64-bit lane of a 256-bit vector (AVX2).</summary>
    Vector256 = 4,

    /// <summary>Eight at a time, one per 64-bit lane of a 512-bit vector (AVX-512F).</summary>
    Vector512 = 8,
}
