namespace HeCompute.Analytics.Planning;

/// <summary>
/// Exact sizes in bytes of SEAL 4 serializations without compression (what <c>SaveSize(ComprModeType.None)</c>
/// returns), from the format's layout: a 16-byte header per object, a 32-byte parms_id, and coefficient arrays of
/// 8-byte words nested with their own header and a u64 count.
/// </summary>
public static class SealSizes
{
    private const long Header = 16;

    /// <summary>parms_id, NTT flag, size, N, prime count, scale, correction factor.</summary>
    private const long CiphertextFields = 32 + 1 + (5 * 8);

    /// <summary>The PRNG info object replacing c1 in seeded forms: header, type byte, 64-byte seed.</summary>
    private const long SeedObject = Header + 1 + 64;

    /// <summary>A size-2 ciphertext with <paramref name="primes"/> primes.</summary>
    public static long Ciphertext(int polyModulusDegree, int primes) => Header + CiphertextBody(polyModulusDegree, primes, seeded: false);

    /// <summary>A fresh symmetric encryption in seeded form (c1 replaced by its seed): what a client uploads.</summary>
    public static long SeededCiphertext(int polyModulusDegree, int primes) => Header + CiphertextBody(polyModulusDegree, primes, seeded: true);

    /// <summary>The public key: a full ciphertext at the key level (every prime, the special prime included).</summary>
    public static long PublicKey(int polyModulusDegree, int allPrimes) => Ciphertext(polyModulusDegree, allPrimes);

    /// <summary>Relinearization keys in seeded form: one key of one part per data prime.</summary>
    public static long RelinKeys(int polyModulusDegree, int allPrimes) =>
        Header + 32 + 8 + KeyEntry(polyModulusDegree, allPrimes);

    /// <summary>Galois keys for <paramref name="keys"/> elements in seeded form: SEAL stores N entries, empty ones as a zero count.</summary>
    public static long GaloisKeys(int polyModulusDegree, int allPrimes, int keys) =>
        Header + 32 + 8 + ((polyModulusDegree - (long)keys) * 8) + (keys * KeyEntry(polyModulusDegree, allPrimes));

    private static long KeyEntry(int polyModulusDegree, int allPrimes) =>
        8 + ((allPrimes - 1) * (Header + CiphertextBody(polyModulusDegree, allPrimes, seeded: true)));

    private static long CiphertextBody(int polyModulusDegree, int primes, bool seeded)
    {
        var words = (seeded ? 1L : 2L) * polyModulusDegree * primes;
        return CiphertextFields + Header + 8 + (8 * words) + (seeded ? SeedObject : 0);
    }
}
