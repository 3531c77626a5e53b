using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Multiparty;

/// <summary>
/// A complete key ceremony among N in-process parties (N-out-of-N or t-out-of-N): collective public key, relinearization
/// keys and Galois keys for the given rotation steps, a querier with its own key pair, and collective release to it.
/// </summary>
internal sealed class Ceremony : IDisposable
{
    /// <summary>2^50: the data primes are 50 bits, so rescaling keeps the scale near 2^50.</summary>
    public const double Scale = 1125899906842624.0;

    /// <summary>N = 8192, q = 60 + 50 + 50 bits of data primes, special prime 58 bits: 218 bits, the 128-bit bound.</summary>
    public static readonly Parameters Parameters = Parameters.Create(new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 50, 50, 58])));

    /// <summary>The tests' flooding σ (2^30; see the Lattice README for the bound it gives).</summary>
    public static readonly NoiseFlooding Flooding = new(1L << 30);

    /// <summary>Rotations for sums over 64 slots.</summary>
    public static readonly int[] SumSteps = [1, 2, 4, 8, 16, 32];

    public Ceremony(int parties, int threshold, IReadOnlyList<int> steps)
    {
        Session = new MultipartySession(Parameters, CommonReference.CreateRandom(), parties, threshold);
        Secrets = new SecretKey[parties];
        for (var i = 0; i < parties; i++)
        {
            using var generator = new KeyGenerator(Parameters);
            Secrets[i] = generator.SecretKey;
        }

        var ckg = new PublicKeyProtocol(Session);
        PublicKey = ckg.Combine(Enumerable.Range(0, parties).Select(i => ckg.GenerateShare(Secrets[i], i)).ToArray());

        var rkg = new RelinKeyProtocol(Session);
        var roundOne = rkg.AggregateRoundOne(Enumerable.Range(0, parties).Select(i => rkg.GenerateRoundOne(Secrets[i], i)).ToArray());
        RelinKeys = rkg.Combine(roundOne, Enumerable.Range(0, parties).Select(i => rkg.GenerateRoundTwo(Secrets[i], i, roundOne)).ToArray());

        var rtg = new GaloisKeyProtocol(Session);
        GaloisKeys = rtg.Combine(rtg.ElementsOf(steps).Select(g => (IReadOnlyCollection<Share>)Enumerable.Range(0, parties).Select(i => rtg.GenerateShare(Secrets[i], i, g)).ToArray()).ToArray());
        Keys = new EvaluationKeySet(RelinKeys, GaloisKeys);

        if (Session.IsThreshold)
        {
            var thresholdizer = new Thresholdizer(Session);
            var sent = Enumerable.Range(0, parties).Select(i => thresholdizer.ShareSecret(Secrets[i], i)).ToArray();
            ThresholdSecrets = Enumerable.Range(0, parties).Select(j => thresholdizer.CombineShares(j, sent.Select(s => s[j]).ToArray())).ToArray();
        }

        Querier = new KeyGenerator(Parameters);
        QuerierKey = Querier.CreatePublicKey();
        Encoder = new Encoder(Parameters);
        Evaluator = new Evaluator(Parameters);
        Encryptor = new Encryptor(Parameters, PublicKey);
    }

    public MultipartySession Session { get; }

    public SecretKey[] Secrets { get; }

    public SecretKey[]? ThresholdSecrets { get; }

    public PublicKey PublicKey { get; }

    public RelinKeys RelinKeys { get; }

    public GaloisKeys GaloisKeys { get; }

    public EvaluationKeySet Keys { get; }

    public KeyGenerator Querier { get; }

    public PublicKey QuerierKey { get; }

    public Encoder Encoder { get; }

    public Evaluator Evaluator { get; }

    public Encryptor Encryptor { get; }

    public Ciphertext Encrypt(IReadOnlyList<double> values)
    {
        var plain = new Plaintext();
        Encoder.Encode(values, Scale, plain);
        var ct = new Ciphertext();
        Encryptor.Encrypt(plain, ct);
        return ct;
    }

    /// <summary>The shares of the active parties (all of them in N-out-of-N mode) for a release to the querier.</summary>
    public Share[] DecryptionShares(PublicKeySwitchProtocol pcks, Ciphertext ct, IReadOnlyList<int>? active)
    {
        var parties = active ?? Enumerable.Range(0, Session.Parties).ToArray();
        var secrets = Session.IsThreshold ? ThresholdSecrets! : Secrets;
        return parties.Select(i => pcks.GenerateShare(secrets[i], i, ct, QuerierKey, active)).ToArray();
    }

    /// <summary>Collective release to the querier, decrypted by the querier: the real parts of every slot.</summary>
    public double[] Release(Ciphertext ct, IReadOnlyList<int>? active = null)
    {
        var pcks = new PublicKeySwitchProtocol(Session, Flooding);
        var released = pcks.Combine(ct, QuerierKey, DecryptionShares(pcks, ct, active), active);
        return QuerierDecrypt(released);
    }

    public double[] QuerierDecrypt(Ciphertext released) => Decrypt(released, Querier.SecretKey);

    public double[] Decrypt(Ciphertext ct, SecretKey key)
    {
        var plain = new Plaintext();
        new Decryptor(Parameters, key).Decrypt(ct, plain);
        var values = new List<double>();
        Encoder.Decode(plain, values);
        return [.. values];
    }

    /// <summary>Σ s_i, which no party holds: for the tests' own checks only.</summary>
    public SecretKey CollectiveSecret() => SumOfSecrets(Parameters, Secrets);

    public static SecretKey SumOfSecrets(Parameters parameters, IEnumerable<SecretKey> secrets)
    {
        var level = parameters.KeyLevel;
        var plain = new Plaintext((ulong)(level.CoeffModulusSize * level.N));
        foreach (var secret in secrets)
        {
            for (var j = 0; j < level.CoeffModulusSize; j++)
            {
                var limb = plain.Limb(j, level.N);
                PolyArith.AddMod(limb, secret.Data.Limb(j, level.N), limb, level.Moduli[j]);
            }
        }

        plain.ParmsId = level.ParmsId;
        return new SecretKey(plain);
    }

    /// <summary>Σ_i x_i over the first 64 slots, left in slot 0 (rotate-and-add).</summary>
    public Ciphertext SumOf64(Ciphertext ct)
    {
        var acc = new Ciphertext(ct);
        var rotated = new Ciphertext();
        foreach (var step in SumSteps)
        {
            Evaluator.RotateVector(acc, step, Keys, rotated);
            Evaluator.AddInplace(acc, rotated);
        }

        return acc;
    }

    /// <summary>a ⊙ b, relinearized and rescaled.</summary>
    public Ciphertext Product(Ciphertext a, Ciphertext b)
    {
        var product = new Ciphertext();
        Evaluator.Multiply(a, b, product);
        Evaluator.RelinearizeInplace(product, Keys);
        Evaluator.RescaleToNextInplace(product);
        return product;
    }

    public static double[] Values(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
    }

    /// <summary>The stated bound on a released slot: 10 flooding standard deviations, plus 10^−6 for the CKKS arithmetic itself.</summary>
    public double ReleaseBound(Ciphertext ct, int activeParties) =>
        (10 * Flooding.SlotErrorStandardDeviation(Parameters.PolyModulusDegree, activeParties, ct.Scale)) + 1e-6;

    public void Dispose()
    {
        foreach (var secret in Secrets)
        {
            secret.Dispose();
        }

        foreach (var secret in ThresholdSecrets ?? [])
        {
            secret.Dispose();
        }

        Querier.Dispose();
    }
}
