using System.Numerics;
using HeCompute.Analytics.LinearAlgebra;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// Estimated server time of a circuit's rotations and plaintext products on one ciphertext, from operation counts: what
/// rotation layouts differ in, so the planner can compare them without running them.
/// </summary>
/// <remarks>
/// With L data primes at the top level, K = L + 1 key primes and one NTT of N coefficients costing N/2·log2 N
/// butterflies: a key switch decomposes (L inverse NTTs, L·K forward NTTs), takes the inner product with the key
/// (2·L·K products of N), and divides by the special prime (2·K transforms); a hoisted rotation skips the decomposition;
/// a plaintext product is 2·L products of N. The two unit costs were read off this engine on the 2-core machine
/// (bench/README.md: NTT of N = 8192 in 15.5 µs, multiply_plain at three primes in 38 µs); every level is costed at the
/// top (an upper bound: later stages run on fewer primes).
/// </remarks>
public static class LatencyEstimate
{
    private const double NanosecondsPerButterfly = 15_500.0 / (4096 * 13);

    private const double NanosecondsPerProduct = 38_000.0 / (2 * 3 * 8192);

    /// <summary>Milliseconds for <paramref name="work"/> at ring degree N with <paramref name="dataPrimes"/> data primes.</summary>
    public static double Milliseconds(RotationWork work, int polyModulusDegree, int dataPrimes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(polyModulusDegree, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(dataPrimes, 1);
        double n = polyModulusDegree;
        var ntt = n / 2 * BitOperations.Log2((uint)polyModulusDegree) * NanosecondsPerButterfly;
        var product = n * NanosecondsPerProduct;
        var (l, k) = ((double)dataPrimes, dataPrimes + 1.0);
        var decomposition = (l + (l * k)) * ntt;
        var switchRest = (2 * l * k * product) + (2 * k * ntt);
        var nanoseconds = (work.FullKeySwitches * (decomposition + switchRest))
            + (work.Decompositions * decomposition)
            + (work.HoistedRotations * switchRest)
            + (work.PlainProducts * 2 * l * product);
        return nanoseconds / 1e6;
    }
}
