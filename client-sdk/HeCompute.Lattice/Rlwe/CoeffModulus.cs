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
    /// appear — SEAL's exact rule. No sizes give no primes, as in SEAL.
    /// </summary>
    /// <exception cref="ArgumentException">The degree or a bit size is out of range, or there are not enough primes of a size (then the exception is a <see cref="PrimeShortageException"/>).</exception>
    public static ulong[] Create(int polyModulusDegree, IEnumerable<int> bitSizes) =>
        CreateWithFactor(CheckDegree(polyModulusDegree) * 2, bitSizes);

    /// <summary>
    /// As <see cref="Create(int, IEnumerable{int})"/> with primes q ≡ 1 modulo lcm(2N, <paramref name="plainModulus"/>):
    /// SEAL's rule for BFV/BGV coefficient moduli, which also support batching modulo the plain modulus.
    /// </summary>
    /// <exception cref="ArgumentException">The plain modulus is zero, the lcm exceeds 2^61, or as the other overload.</exception>
    public static ulong[] Create(int polyModulusDegree, ulong plainModulus, IEnumerable<int> bitSizes)
    {
        var twoN = CheckDegree(polyModulusDegree) * 2;
        if (plainModulus == 0)
        {
            throw new ArgumentException("plain_modulus cannot be zero.", nameof(plainModulus));
        }

        var factor = twoN / ulong.CreateTruncating(System.Numerics.BigInteger.GreatestCommonDivisor(twoN, plainModulus));
        if (factor > (1UL << 61) / plainModulus)
        {
            throw new PrimeShortageException($"lcm(2N, plain_modulus) for N = {polyModulusDegree} and plain_modulus {plainModulus} exceeds 2^61, so no coefficient prime fits.");
        }

        return CreateWithFactor(factor * plainModulus, bitSizes);
    }

    private static ulong CheckDegree(int polyModulusDegree) =>
        polyModulusDegree < 2 || polyModulusDegree > HeStandard.MaxPolyModulusDegree || !int.IsPow2(polyModulusDegree)
            ? throw new ArgumentException($"poly_modulus_degree {polyModulusDegree} is invalid: a power of two in [2, {HeStandard.MaxPolyModulusDegree}].", nameof(polyModulusDegree))
            : (ulong)polyModulusDegree;

    private static ulong[] CreateWithFactor(ulong factor, IEnumerable<int> bitSizes)
    {
        ArgumentNullException.ThrowIfNull(bitSizes);
        var sizes = bitSizes.ToArray();
        if (sizes.Length > MaxPrimeCount)
        {
            throw new ArgumentException($"At most {MaxPrimeCount} bit sizes are allowed, not {sizes.Length}.", nameof(bitSizes));
        }

        foreach (var size in sizes)
        {
            if (size < MinPrimeBitCount || size > MaxPrimeBitCount)
            {
                throw new ArgumentException($"Bit size {size} is invalid: each prime has {MinPrimeBitCount} to {MaxPrimeBitCount} bits.", nameof(bitSizes));
            }
        }

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
            throw new PrimeShortageException($"There are fewer than {count} primes of {bitSize} bits congruent to 1 modulo {factor}.");
        }

        return found;
    }
}

/// <summary>
/// There are not enough primes of a requested size (SEAL's <c>logic_error</c>, which SEALNet throws as
/// <see cref="InvalidOperationException"/>). An <see cref="ArgumentException"/>, so callers that try sizes catch it as one.
/// </summary>
public sealed class PrimeShortageException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public PrimeShortageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PrimeShortageException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public PrimeShortageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
