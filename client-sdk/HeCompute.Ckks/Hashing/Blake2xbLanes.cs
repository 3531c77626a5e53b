namespace HeCompute.Ckks.Hashing;

/// <summary>How many BLAKE2Xb output nodes <see cref="Blake2xbPrng"/> computes at once.</summary>
internal enum Blake2xbLanes
{
    /// <summary>One node at a time through the reference <see cref="Blake2xb"/> code; runs everywhere.</summary>
    Scalar = 1,

    /// <summary>Four nodes at a time, one per 64-bit lane of a 256-bit vector (AVX2).</summary>
    Vector256 = 4,

    /// <summary>Eight nodes at a time, one per 64-bit lane of a 512-bit vector (AVX-512F).</summary>
    Vector512 = 8,
}
