using HeCompute.Client.Keys;
using HeCompute.Contracts;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Client.Studies;

/// <summary>
/// One participant of a study: its own secret share of the collective key (never sent; save it sealed with
/// <see cref="SecretKeyEnvelope"/> like any secret key) and the shares it sends for each round. Each share is
/// derived deterministically from the secret and the round, and the server takes one per round.
/// </summary>
public sealed class StudyParty : IDisposable
{
    private readonly SecretKey _secret;

    private StudyParty(StudyResponse study, Parameters parameters, SecretKey secret)
    {
        Study = study;
        Parameters = parameters;
        _secret = secret;
        Session = new MultipartySession(parameters, new CommonReference(Convert.FromBase64String(study.CommonSeed)), study.Participants.Count, study.Threshold);
    }

    /// <summary>The study as the server described it.</summary>
    public StudyResponse Study { get; }

    /// <summary>The plan's parameters.</summary>
    public Parameters Parameters { get; }

    /// <summary>The session every share is bound to.</summary>
    public MultipartySession Session { get; }

    /// <summary>This participant's party number.</summary>
    public int Party => Study.Party;

    /// <summary>A participant with a fresh secret share.</summary>
    /// <exception cref="HeCompute.Protocol.Packing.PlanMismatchException">The study's plan is unusable.</exception>
    public static StudyParty Create(StudyResponse study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var parameters = PlanContext.Create(study.Plan);
        using var generator = new KeyGenerator(parameters);
        return new StudyParty(study, parameters, generator.SecretKey);
    }

    /// <summary>A participant with its saved secret share (<see cref="SaveSecret"/>).</summary>
    public static StudyParty Load(StudyResponse study, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(study);
        var parameters = PlanContext.Create(study.Plan);
        var key = new SecretKey();
        using (var stream = new MemoryStream(secret, writable: false))
        {
            key.Load(parameters, stream);
        }

        return new StudyParty(study, parameters, key);
    }

    /// <summary>The secret share in SEAL's format, to be sealed in the key store (never sent).</summary>
    public byte[] SaveSecret() => Save(_secret.Save);

    /// <summary>The CKG share.</summary>
    public byte[] PublicKeyShare() => Save(new PublicKeyProtocol(Session).GenerateShare(_secret, Party).Save);

    /// <summary>The RKG round-one share.</summary>
    public byte[] RelinRoundOneShare() => Save(new RelinKeyProtocol(Session).GenerateRoundOne(_secret, Party).Save);

    /// <summary>The RKG round-two share, from the round-one aggregate the server serves.</summary>
    public byte[] RelinRoundTwoShare(byte[] roundOneAggregate)
    {
        using var stream = new MemoryStream(roundOneAggregate, writable: false);
        var aggregate = Share.Load(Session, ShareKind.RelinearizationRoundOne, stream);
        return Save(new RelinKeyProtocol(Session).GenerateRoundTwo(_secret, Party, aggregate).Save);
    }

    /// <summary>The RTG share for one Galois element.</summary>
    public byte[] GaloisShare(uint element) => Save(new GaloisKeyProtocol(Session).GenerateShare(_secret, Party, element).Save);

    /// <summary>
    /// The decryption share that switches <paramref name="ciphertext"/> to <paramref name="querierPublicKey"/>, flooded
    /// with a rounded Gaussian of standard deviation <paramref name="sigma"/> (see <see cref="DefaultFloodingSigma"/>).
    /// </summary>
    public byte[] DecryptionShare(byte[] ciphertext, byte[] querierPublicKey, double sigma)
    {
        using var ct = new Ciphertext();
        using (var stream = new MemoryStream(ciphertext, writable: false))
        {
            ct.Load(Parameters, stream);
        }

        using var querier = new PublicKey();
        using (var stream = new MemoryStream(querierPublicKey, writable: false))
        {
            querier.Load(Parameters, stream);
        }

        return Save(new PublicKeySwitchProtocol(Session, new NoiseFlooding(sigma)).GenerateShare(_secret, Party, ct, querier).Save);
    }

    /// <summary>
    /// A flooding σ for this plan: the released slots then err by about 2^−<paramref name="precisionBits"/> of the
    /// scaled values (standard deviation √N_parties·σ·√(N/2)/scale, <see cref="NoiseFlooding.SlotErrorStandardDeviation"/>).
    /// </summary>
    public double DefaultFloodingSigma(int precisionBits = 24)
    {
        var n = Parameters.PolyModulusDegree;
        var sigma = Study.Plan.Parameters.Scale / Math.ScaleB(1.0, precisionBits) / Math.Sqrt(n / 2.0) / Math.Sqrt(Session.Parties);
        return Math.Clamp(sigma, 1.0, NoiseFlooding.MaxSigma);
    }

    /// <inheritdoc/>
    public void Dispose() => _secret.Dispose();

    private static byte[] Save(Func<Stream, CompressionMode?, long> save)
    {
        using var buffer = new MemoryStream();
        save(buffer, CompressionMode.None);
        return buffer.ToArray();
    }
}
