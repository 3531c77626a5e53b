namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>CoeffModulus</c>: builds coefficient moduli through the core's <see cref="Rlwe.CoeffModulus"/>, so the primes are SEAL's.</summary>
public static class CoeffModulus
{
    /// <summary>Smallest bit size a user may request for one prime.</summary>
    public const int MinPrimeBitCount = Rlwe.CoeffModulus.MinPrimeBitCount;

    /// <summary>Largest bit size a user may request for one prime (SEAL's limit).</summary>
    public const int MaxPrimeBitCount = Rlwe.CoeffModulus.MaxPrimeBitCount;

    /// <summary>Most primes a coefficient modulus may have (SEAL's limit).</summary>
    public const int MaxPrimeCount = Rlwe.CoeffModulus.MaxPrimeCount;

    /// <summary>
    /// Largest total bit count of the coefficient modulus at the security level for this ring degree: 0 where the
    /// HomomorphicEncryption.org standard gives no bound, <see cref="int.MaxValue"/> for <see cref="SecLevelType.None"/>.
    /// </summary>
    public static int MaxBitCount(ulong polyModulusDegree, SecLevelType secLevel = SecLevelType.TC128)
    {
        if (secLevel == SecLevelType.None)
        {
            return int.MaxValue;
        }

        return polyModulusDegree > int.MaxValue ? 0 : Rlwe.CoeffModulus.MaxBitCount((int)polyModulusDegree, (Rlwe.SecurityLevel)secLevel);
    }

    /// <summary>One prime q ≡ 1 (mod 2N) per requested bit size, chosen exactly as SEAL chooses them.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="bitSizes"/> is null.</exception>
    /// <exception cref="ArgumentException">The degree is not a power of two in range, a bit size is outside [2, 60], or there are not enough primes of a size.</exception>
    public static IEnumerable<Modulus> Create(ulong polyModulusDegree, IEnumerable<int> bitSizes)
    {
        if (polyModulusDegree > int.MaxValue)
        {
            throw new ArgumentException($"poly_modulus_degree {polyModulusDegree} is too large.", nameof(polyModulusDegree));
        }

        return Rlwe.CoeffModulus.Create((int)polyModulusDegree, bitSizes).Select(q => new Modulus(q)).ToArray();
    }
}
