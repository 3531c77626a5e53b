namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Bounds of the HomomorphicEncryption.org security standard (ternary secret, σ = 3.2): the largest total
/// coefficient-modulus bit count allowed for a ring degree and a security level.
/// </summary>
internal static class HeStandard
{
    /// <summary>
    /// Smallest ring degree the engine accepts (SEAL's). Below 1024 the standard gives no bound, so only
    /// <see cref="SecurityLevel.None"/> parameters (tests, research) are that small.
    /// </summary>
    public const int MinPolyModulusDegree = 2;

    /// <summary>Largest ring degree the engine accepts.</summary>
    public const int MaxPolyModulusDegree = 65536;

    /// <summary>
    /// Returns the bit bound, or 0 if the standard gives none. N = 65536 is outside the standard's table and
    /// outside SEAL's; its 128-bit bound (1772) is the lattice-estimator figure used by Lattigo for logN = 16.
    /// </summary>
    public static int MaxBitCount(int polyModulusDegree, SecurityLevel level) => level switch
    {
        SecurityLevel.None => int.MaxValue,
        SecurityLevel.Tc128 => polyModulusDegree switch
        {
            1024 => 27, 2048 => 54, 4096 => 109, 8192 => 218, 16384 => 438, 32768 => 881, 65536 => 1772, _ => 0,
        },
        SecurityLevel.Tc192 => polyModulusDegree switch
        {
            1024 => 19, 2048 => 37, 4096 => 75, 8192 => 152, 16384 => 305, 32768 => 611, _ => 0,
        },
        SecurityLevel.Tc256 => polyModulusDegree switch
        {
            1024 => 14, 2048 => 29, 4096 => 58, 8192 => 118, 16384 => 237, 32768 => 476, _ => 0,
        },
        _ => 0,
    };
}
