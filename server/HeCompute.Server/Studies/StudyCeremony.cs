using HeCompute.Contracts;
using HeCompute.Lattice;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Rlwe;
using HeCompute.Server.Errors;

namespace HeCompute.Server.Studies;

/// <summary>
/// The engine side of a study's key ceremony and releases, without storage or HTTP: which share kind each round
/// takes, loading a participant's share (its session, kind and party checked), and aggregating complete rounds into
/// SEAL-format collective keys or a querier's ciphertext.
/// </summary>
public sealed class StudyCeremony
{
    /// <summary>Names of the study's aggregates and collective keys (blob references owned by the study).</summary>
    public const string PublicKeyBlob = KeySetParts.PublicKey;

    /// <summary>The relinearization round-one aggregate, served to round two.</summary>
    public const string RoundOneBlob = StudyRounds.RelinRoundOne;

    /// <summary>The collective relinearization keys.</summary>
    public const string RelinKeysBlob = KeySetParts.RelinKeys;

    /// <summary>The collective Galois keys.</summary>
    public const string GaloisKeysBlob = KeySetParts.GaloisKeys;

    /// <summary>
    /// σ the server's combination step is constructed with; it only sums shares, so σ (which each participant
    /// chooses for its own share) plays no part in it.
    /// </summary>
    private static readonly NoiseFlooding CombineOnly = new(1.0);

    /// <summary>Creates the ceremony of a study's session.</summary>
    public StudyCeremony(Parameters parameters, byte[] seed, int parties)
    {
        Session = new MultipartySession(parameters, new CommonReference(seed), parties);
    }

    /// <summary>The session every share is bound to.</summary>
    public MultipartySession Session { get; }

    /// <summary>The share kind of a key-generation round.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> for an unknown round.</exception>
    public static ShareKind KindOf(string round) => round switch
    {
        StudyRounds.PublicKey => ShareKind.PublicKey,
        StudyRounds.RelinRoundOne => ShareKind.RelinearizationRoundOne,
        StudyRounds.RelinRoundTwo => ShareKind.RelinearizationRoundTwo,
        StudyRounds.GaloisKeys => ShareKind.GaloisKey,
        _ => throw DomainErrors.Invalid($"round: one of {string.Join(", ", StudyRounds.All)} is required, not '{round}'."),
    };

    /// <summary>Most bytes a share of this session may have (the largest kind, uncompressed, with its header).</summary>
    public long MaxShareBytes
    {
        get
        {
            var level = Session.Parameters.KeyLevel;
            var digits = Session.Parameters.FirstLevel.PrimeCount;
            return (8L * ((2 * digits) + 2) * level.PrimeCount * level.PolyModulusDegree) + 4096;
        }
    }

    /// <summary>Loads a share of <paramref name="kind"/> and checks it was made by <paramref name="party"/> (and for <paramref name="element"/>).</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.ShareMismatch"/> for a share of another study, round, party or element.</exception>
    public Share Load(ShareKind kind, Stream stream, int party, uint element)
    {
        Share share;
        try
        {
            share = Share.Load(Session, kind, stream, MaxShareBytes);
        }
        catch (ShareMismatchException ex)
        {
            throw DomainErrors.ShareMismatch(ex.Reason == ShareMismatch.Session
                ? "The share was made for another study (another common seed, parameters or participant count)."
                : ex.Message, ex);
        }

        if (share.Party != party)
        {
            throw DomainErrors.ShareMismatch($"The share is party {share.Party}'s; the caller is party {party} of this study.");
        }

        if (share.GaloisElement != element)
        {
            throw DomainErrors.ShareMismatch($"The share is for Galois element {share.GaloisElement}, not {element}.");
        }

        return share;
    }

    /// <summary>The collective public key of a complete CKG round.</summary>
    public PublicKey CombinePublicKey(IReadOnlyCollection<Share> shares) => Refused(() => new PublicKeyProtocol(Session).Combine(shares));

    /// <summary>The round-one aggregate of a complete RKG round one.</summary>
    public Share AggregateRoundOne(IReadOnlyCollection<Share> shares) => Refused(() => new RelinKeyProtocol(Session).AggregateRoundOne(shares));

    /// <summary>The collective relinearization keys of a complete RKG round two.</summary>
    public RelinKeys CombineRelinKeys(Share roundOne, IReadOnlyCollection<Share> shares) => Refused(() => new RelinKeyProtocol(Session).Combine(roundOne, shares));

    /// <summary>The collective Galois keys of every complete RTG round.</summary>
    public GaloisKeys CombineGaloisKeys(IEnumerable<IReadOnlyCollection<Share>> groups) => Refused(() => new GaloisKeyProtocol(Session).Combine(groups));

    /// <summary>The querier's ciphertext from every participant's decryption share.</summary>
    public Ciphertext Release(Ciphertext ciphertext, PublicKey querier, IReadOnlyCollection<Share> shares) =>
        Refused(() => new PublicKeySwitchProtocol(Session, CombineOnly).Combine(ciphertext, querier, shares));

    /// <summary>Loads the round-one aggregate the server stored.</summary>
    public Share LoadRoundOne(Stream stream) => Share.Load(Session, ShareKind.RelinearizationRoundOne, stream, MaxShareBytes);

    private static T Refused<T>(Func<T> combine)
    {
        try
        {
            return combine();
        }
        catch (ShareMismatchException ex)
        {
            // A share made for another target (round-one aggregate, ciphertext or querier key) is only seen here.
            throw DomainErrors.ShareMismatch($"The round's shares do not combine: {ex.Message}", ex);
        }
    }
}
