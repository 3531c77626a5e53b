using HeCompute.Lattice.Rlwe;

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

    // SEAL's default coefficient moduli (its util/globals.cpp), by security level and ring degree.
    private static readonly Dictionary<(SecLevelType, ulong), ulong[]> Defaults = new()
    {
        [(SecLevelType.TC128, 1024)] = [0x7e00001],
        [(SecLevelType.TC128, 2048)] = [0x3fffffff000001],
        [(SecLevelType.TC128, 4096)] = [0xffffee001, 0xffffc4001, 0x1ffffe0001],
        [(SecLevelType.TC128, 8192)] = [0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001],
        [(SecLevelType.TC128, 16384)] =
        [
            0xfffffffd8001, 0xfffffffa0001, 0xfffffff00001, 0x1fffffff68001, 0x1fffffff50001, 0x1ffffffee8001,
            0x1ffffffea0001, 0x1ffffffe88001, 0x1ffffffe48001,
        ],
        [(SecLevelType.TC128, 32768)] =
        [
            0x7fffffffe90001, 0x7fffffffbf0001, 0x7fffffffbd0001, 0x7fffffffba0001, 0x7fffffffaa0001, 0x7fffffffa50001,
            0x7fffffff9f0001, 0x7fffffff7e0001, 0x7fffffff770001, 0x7fffffff380001, 0x7fffffff330001, 0x7fffffff2d0001,
            0x7fffffff170001, 0x7fffffff150001, 0x7ffffffef00001, 0xfffffffff70001,
        ],
        [(SecLevelType.TC192, 1024)] = [0x7f001],
        [(SecLevelType.TC192, 2048)] = [0x1ffffc0001],
        [(SecLevelType.TC192, 4096)] = [0x1ffc001, 0x1fce001, 0x1fc0001],
        [(SecLevelType.TC192, 8192)] = [0x3ffffac001, 0x3ffff54001, 0x3ffff48001, 0x3ffff28001],
        [(SecLevelType.TC192, 16384)] = [0x3ffffffdf0001, 0x3ffffffd48001, 0x3ffffffd20001, 0x3ffffffd18001, 0x3ffffffcd0001, 0x3ffffffc70001],
        [(SecLevelType.TC192, 32768)] =
        [
            0x3fffffffd60001, 0x3fffffffca0001, 0x3fffffff6d0001, 0x3fffffff5d0001, 0x3fffffff550001, 0x7fffffffe90001,
            0x7fffffffbf0001, 0x7fffffffbd0001, 0x7fffffffba0001, 0x7fffffffaa0001, 0x7fffffffa50001,
        ],
        [(SecLevelType.TC256, 1024)] = [0x3001],
        [(SecLevelType.TC256, 2048)] = [0x1ffc0001],
        [(SecLevelType.TC256, 4096)] = [0x3ffffffff040001],
        [(SecLevelType.TC256, 8192)] = [0x7ffffec001, 0x7ffffb0001, 0xfffffdc001],
        [(SecLevelType.TC256, 16384)] = [0x7ffffffc8001, 0x7ffffff00001, 0x7fffffe70001, 0xfffffffd8001, 0xfffffffa0001],
        [(SecLevelType.TC256, 32768)] =
        [
            0xffffffff00001, 0x1fffffffe30001, 0x1fffffffd80001, 0x1fffffffd10001, 0x1fffffffc50001, 0x1fffffffbf0001,
            0x1fffffffb90001, 0x1fffffffb60001, 0x1fffffffa50001,
        ],
    };

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

    /// <summary>
    /// SEAL's default coefficient modulus for the ring degree and security level (SEAL names it for BFV; CKKS code
    /// uses it too): the largest modulus the HomomorphicEncryption.org standard allows, in primes of at most 56 bits.
    /// </summary>
    /// <exception cref="ArgumentException">There is no default for this degree (1024 to 32768) or level (not <see cref="SecLevelType.None"/>).</exception>
    public static IEnumerable<Modulus> BFVDefault(ulong polyModulusDegree, SecLevelType secLevel = SecLevelType.TC128) =>
        Defaults.TryGetValue((secLevel, polyModulusDegree), out var primes)
            ? primes.Select(q => new Modulus(q)).ToList()
            : throw new ArgumentException($"There is no default coefficient modulus for poly_modulus_degree {polyModulusDegree} at security level {secLevel}.", nameof(polyModulusDegree));

    /// <summary>One prime q ≡ 1 (mod 2N) per requested bit size, chosen exactly as SEAL chooses them (a <see cref="List{T}"/>, as in SEALNet).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="bitSizes"/> is null.</exception>
    /// <exception cref="ArgumentException">The degree is not a power of two in range, or a bit size is outside [2, 60].</exception>
    /// <exception cref="InvalidOperationException">There are not enough primes of a requested size.</exception>
    public static IEnumerable<Modulus> Create(ulong polyModulusDegree, IEnumerable<int> bitSizes)
    {
        ArgumentNullException.ThrowIfNull(bitSizes);
        return Wrap(() => Rlwe.CoeffModulus.Create(Degree(polyModulusDegree), bitSizes));
    }

    /// <summary>One prime q ≡ 1 modulo lcm(2N, plain modulus) per requested bit size (SEAL's BFV/BGV moduli; a <see cref="List{T}"/>).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The degree or a bit size is out of range, or the plain modulus is zero.</exception>
    /// <exception cref="InvalidOperationException">The lcm is too large, or there are not enough primes of a requested size.</exception>
    public static IEnumerable<Modulus> Create(ulong polyModulusDegree, Modulus plainModulus, IEnumerable<int> bitSizes)
    {
        ArgumentNullException.ThrowIfNull(plainModulus);
        ArgumentNullException.ThrowIfNull(bitSizes);
        return Wrap(() => Rlwe.CoeffModulus.Create(Degree(polyModulusDegree), plainModulus.Value, bitSizes));
    }

    private static int Degree(ulong polyModulusDegree) => polyModulusDegree > int.MaxValue
        ? throw new ArgumentException($"poly_modulus_degree {polyModulusDegree} is too large.", nameof(polyModulusDegree))
        : (int)polyModulusDegree;

    private static List<Modulus> Wrap(Func<ulong[]> create)
    {
        try
        {
            return create().Select(q => new Modulus(q)).ToList();
        }
        catch (PrimeShortageException shortage)
        {
            throw new InvalidOperationException(shortage.Message, shortage);
        }
    }
}
