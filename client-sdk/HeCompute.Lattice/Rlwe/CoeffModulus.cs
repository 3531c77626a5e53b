using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Rlwe;

/// <summary>Builds coefficient moduli the way Microsoft SEAL's <c>CoeffModulus</c> does, so parms_id values match SEAL's.</summary>
public static class CoeffModulus
{
    /// <summary>Smallest bit size a user may request for one prime.</summary>
    public const int MinPrimeBitCount = 2;

    /// <summary>Largest bit size a user may request for one prime (SEAL's limit).</summary>
    public const int MaxPrimeBitCount = 60;

    /// <summary>Most primes a coefficient modulus may have (SEAL's limit).</summary>
    public const int MaxPrimeCount = 64;

    /// <summary>Largest total bit count of the coefficient modulus at the security level for this ring degree (0 if none).</summary>
    public static int MaxBitCount(int polyModulusDegree, SecurityLevel secLevel = SecurityLevel.Tc128) =>
        secLevel == SecurityLevel.None ? int.MaxValue : HeStandard.MaxBitCount(polyModulusDegree, secLevel);

    /// <summary>
    /// Picks, for each requested bit size, a prime q ≡ 1 (mod 2N) below 2^bits: per bit size, the largest such primes
    /// are found in descending order and handed out from the smallest of them to the largest in the order the sizes
    /// appear — SEAL's exact rule.
    /// </summary>
    public static ulong[] Create(int polyModulusDegree, IEnumerable<int> bitSizes)
    {
        ArgumentNullException.ThrowIfNull(bitSizes);
        if (polyModulusDegree < 2 || polyModulusDegree > HeStandard.MaxPolyModulusDegree || !int.IsPow2(polyModulusDegree))
        {
            throw new ArgumentException($"poly_modulus_degree {polyModulusDegree} is invalid: a power of two in [2, {HeStandard.MaxPolyModulusDegree}].", nameof(polyModulusDegree));
        }

        var sizes = bitSizes.ToArray();
        if (sizes.Length == 0 || sizes.Length > MaxPrimeCount)
        {
            throw new ArgumentException($"Between 1 and {MaxPrimeCount} bit sizes are required, not {sizes.Length}.", nameof(bitSizes));
        }

        foreach (var size in sizes)
        {
            if (size < MinPrimeBitCount || size > MaxPrimeBitCount)
            {
                throw new ArgumentException($"Bit size {size} is invalid: each prime has {MinPrimeBitCount} to {MaxPrimeBitCount} bits.", nameof(bitSizes));
            }
        }

        var factor = 2 * (ulong)polyModulusDegree;
        var pools = new Dictionary<int, Stack<ulong>>();
        foreach (var group in sizes.GroupBy(s => s))
        {
            var primes = FindPrimes(factor, group.Key, group.Count());
            pools[group.Key] = new Stack<ulong>(primes);
        }

        return sizes.Select(size => pools[size].Pop()).ToArray();
    }

    /// <summary>Primes q ≡ 1 (mod factor) with exactly <paramref name="bitSize"/> bits, largest first.</summary>
    internal static List<ulong> FindPrimes(ulong factor, int bitSize, int count)
    {
        var found = new List<ulong>(count);
        var value = ((1UL << bitSize) - 1) / factor * factor + 1;
        var lowerBound = 1UL << (bitSize - 1);
        while (found.Count < count && value > lowerBound)
        {
            if (ModArith.IsPrime(value))
            {
                found.Add(value);
            }

            value -= factor;
        }

        if (found.Count < count)
        {
            throw new ArgumentException($"There are fewer than {count} primes of {bitSize} bits congruent to 1 modulo {factor}.");
        }

        return found;
    }
}
