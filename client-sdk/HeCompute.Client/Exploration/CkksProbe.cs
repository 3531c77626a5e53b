using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Client.Exploration;

/// <summary>
/// Measurements that help choose CKKS parameters, made with the engine itself: what the homomorphic-encryption
/// standard's security bounds allow per ring degree, the precision a scale and a multiplicative depth really give, and
/// the real SEAL-format sizes of ciphertexts and keys.
/// </summary>
public static class CkksProbe
{
    /// <summary>Ring degrees the engine supports for CKKS with key switching.</summary>
    public static IReadOnlyList<int> RingDegrees { get; } = [4096, 8192, 16384, 32768];

    /// <summary>The largest total coefficient-modulus size (bits, special prime included) per security level.</summary>
    public static SecurityBound Bound(int polyModulusDegree) => new(
        polyModulusDegree,
        polyModulusDegree / 2,
        CoeffModulus.MaxBitCount(polyModulusDegree, SecurityLevel.Tc128),
        CoeffModulus.MaxBitCount(polyModulusDegree, SecurityLevel.Tc192),
        CoeffModulus.MaxBitCount(polyModulusDegree, SecurityLevel.Tc256));

    /// <summary>
    /// The prime chain of a circuit of <paramref name="depth"/> multiplications at scale 2^<paramref name="scaleBits"/>:
    /// a first prime of scale + 20 bits (room for the integer part of |values| ≤ 2^10 and rounding), one scale-sized
    /// prime per level, and a special prime as large as the first, capped at 60 bits.
    /// </summary>
    public static int[] ChainFor(int scaleBits, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scaleBits, 20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scaleBits, 60);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        var first = Math.Min(60, scaleBits + 20);
        var chain = new int[depth + 2];
        chain[0] = first;
        Array.Fill(chain, scaleBits, 1, depth);
        chain[^1] = first;
        return chain;
    }

    /// <summary>
    /// Encrypts N/2 random values in [−1, 1], multiplies the ciphertext <paramref name="depth"/> times by fresh
    /// encryptions of other random values in [−1, 1] (relinearizing and rescaling each time), decrypts, and compares
    /// with the same products in double precision.
    /// </summary>
    /// <exception cref="ArgumentException">The parameters do not meet 128-bit security (the engine's message says why).</exception>
    public static PrecisionMeasurement MeasurePrecision(int polyModulusDegree, int scaleBits, int depth, int seed = 1)
    {
        var chain = ChainFor(scaleBits, depth);
        var context = CreateContext(polyModulusDegree, chain);
        using var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var relinKeys = keygen.CreateRelinKeys();
        var encoder = new Encoder(context);
        var encryptor = new Encryptor(context, publicKey);
        var decryptor = new Decryptor(context, keygen.SecretKey);
        var evaluator = new Evaluator(context);
        var scale = Math.Pow(2, scaleBits);
        var slots = (int)encoder.SlotCount;
        var random = new Random(seed);
        var expected = RandomValues(random, slots);
        using var plain = new Plaintext();
        encoder.Encode(expected, scale, plain);
        var product = new Ciphertext();
        encryptor.Encrypt(plain, product);
        for (var level = 0; level < depth; level++)
        {
            var factor = RandomValues(random, slots);
            for (var i = 0; i < slots; i++)
            {
                expected[i] *= factor[i];
            }

            using var factorPlain = new Plaintext();
            encoder.Encode(factor, product.ParmsId, product.Scale, factorPlain);
            using var factorCipher = new Ciphertext();
            encryptor.Encrypt(factorPlain, factorCipher);
            evaluator.MultiplyInplace(product, factorCipher);
            evaluator.RelinearizeInplace(product, relinKeys);
            evaluator.RescaleToNextInplace(product);
        }

        using var decrypted = new Plaintext();
        decryptor.Decrypt(product, decrypted);
        var actual = new List<double>();
        encoder.Decode(decrypted, actual);
        double max = 0, sum = 0;
        for (var i = 0; i < slots; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            max = Math.Max(max, error);
            sum += error;
        }

        product.Dispose();
        return new PrecisionMeasurement(polyModulusDegree, scaleBits, depth, chain, chain.Sum(), max, sum / slots, -Math.Log2(max));
    }

    /// <summary>
    /// SEAL serialization sizes (no compression) of real objects for a ring degree and chain: a ciphertext fresh
    /// (seeded, as a client uploads it, and full) and at the last level, the keys, one Galois key, and the Galois keys
    /// SEAL's parameterless <c>CreateGaloisKeys()</c> makes (every power-of-two step both ways, and conjugation).
    /// </summary>
    public static SizeMeasurement MeasureSizes(int polyModulusDegree, int scaleBits, int depth)
    {
        var chain = ChainFor(scaleBits, depth);
        var context = CreateContext(polyModulusDegree, chain);
        using var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var encoder = new Encoder(context);
        var encryptor = new Encryptor(context, publicKey);
        encryptor.SetSecretKey(keygen.SecretKey);
        var evaluator = new Evaluator(context);
        using var plain = new Plaintext();
        encoder.Encode(0.5, Math.Pow(2, scaleBits), plain);
        var seeded = encryptor.EncryptSymmetric(plain);
        using var fresh = new Ciphertext();
        encryptor.Encrypt(plain, fresh);
        using var last = new Ciphertext(fresh);
        evaluator.ModSwitchToInplace(last, context.LastParmsId);
        var relin = keygen.CreateSeededRelinKeys();
        var oneStep = keygen.CreateSeededGaloisKeys(new[] { 1 });
        var all = keygen.CreateSeededGaloisKeys(GaloisElements.Default(polyModulusDegree));
        var none = CompressionMode.None;
        using var allBytes = new MemoryStream();
        all.Save(allBytes, none);
        allBytes.Position = 0;
        using var allLoaded = new GaloisKeys();
        allLoaded.Load(context, allBytes);
        return new SizeMeasurement(
            polyModulusDegree,
            chain,
            seeded.SaveSize(none),
            fresh.SaveSize(none),
            last.SaveSize(none),
            publicKey.SaveSize(none),
            keygen.SecretKey.SaveSize(none),
            relin.SaveSize(none),
            oneStep.SaveSize(none),
            allBytes.Length,
            (int)allLoaded.Size);
    }

    private static Parameters CreateContext(int polyModulusDegree, int[] chain)
    {
        var literal = new ParametersLiteral(polyModulusDegree, CoeffModulus.Create(polyModulusDegree, chain), SecurityLevel.Tc128);
        if (Parameters.Validate(literal, out var message) != ParameterError.Success)
        {
            throw new ArgumentException($"N = {polyModulusDegree} with primes of {string.Join('+', chain)} = {chain.Sum()} bits: {message}");
        }

        return Parameters.Create(literal);
    }

    private static double[] RandomValues(Random random, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (random.NextDouble() * 2) - 1;
        }

        return values;
    }
}

/// <summary>What the security bounds allow for one ring degree.</summary>
/// <param name="PolyModulusDegree">N.</param>
/// <param name="Slots">Complex slots: N/2.</param>
/// <param name="MaxBits128">Largest total coefficient-modulus bits at 128-bit security.</param>
/// <param name="MaxBits192">At 192-bit security.</param>
/// <param name="MaxBits256">At 256-bit security.</param>
public sealed record SecurityBound(int PolyModulusDegree, int Slots, int MaxBits128, int MaxBits192, int MaxBits256);

/// <summary>A measured precision.</summary>
/// <param name="PolyModulusDegree">N.</param>
/// <param name="ScaleBits">log2 of the scale.</param>
/// <param name="Depth">Multiplications performed.</param>
/// <param name="Chain">Prime bit sizes used (special prime last).</param>
/// <param name="TotalBits">Their sum.</param>
/// <param name="MaxAbsError">Largest absolute error over all slots.</param>
/// <param name="MeanAbsError">Mean absolute error.</param>
/// <param name="PrecisionBits">−log2 of the largest error.</param>
public sealed record PrecisionMeasurement(
    int PolyModulusDegree, int ScaleBits, int Depth, IReadOnlyList<int> Chain, int TotalBits, double MaxAbsError, double MeanAbsError, double PrecisionBits);

/// <summary>Measured SEAL-format sizes in bytes (no compression).</summary>
/// <param name="PolyModulusDegree">N.</param>
/// <param name="Chain">Prime bit sizes (special prime last).</param>
/// <param name="CiphertextSeeded">A fresh symmetric-key ciphertext in seeded form (half of it is a PRNG seed).</param>
/// <param name="CiphertextFresh">A fresh ciphertext, full form.</param>
/// <param name="CiphertextLastLevel">The same at the last level (one prime left).</param>
/// <param name="PublicKey">The public key.</param>
/// <param name="SecretKey">The secret key (never leaves the client).</param>
/// <param name="RelinKeys">Relinearization keys, seeded form.</param>
/// <param name="GaloisKeyOneStep">The Galois key of one rotation step, seeded form.</param>
/// <param name="GaloisKeysDefault">SEAL's default Galois keys, seeded form.</param>
/// <param name="GaloisKeysDefaultCount">How many keys that default set holds.</param>
public sealed record SizeMeasurement(
    int PolyModulusDegree,
    IReadOnlyList<int> Chain,
    long CiphertextSeeded,
    long CiphertextFresh,
    long CiphertextLastLevel,
    long PublicKey,
    long SecretKey,
    long RelinKeys,
    long GaloisKeyOneStep,
    long GaloisKeysDefault,
    int GaloisKeysDefaultCount);
