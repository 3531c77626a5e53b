using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// Collective public-key generation (CKG, Mouchet et al. PETS 2021 §IV): with a the common reference polynomial,
/// party i publishes p_i = −s_i·a + e_i; the sum (Σ p_i, a) = (−s·a + e, a) is an ordinary public key for the
/// collective secret s = Σ s_i, which no party knows. Key level (every prime, the special one included), NTT form:
/// the same object <see cref="KeyGenerator.CreatePublicKey"/> makes.
/// </summary>
public sealed class PublicKeyProtocol
{
    private readonly MultipartySession _session;

    /// <summary>Creates the protocol for a session.</summary>
    public PublicKeyProtocol(MultipartySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
    }

    /// <summary>
    /// Party <paramref name="party"/>'s share −s_i·a + e_i, from its own secret key (every party, also in t-out-of-N).
    /// Deterministic in the secret and the session (see <see cref="Share"/>): asked again, the party sends the same share.
    /// </summary>
    public Share GenerateShare(SecretKey secret, int party)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        _session.RequireParty(party, nameof(party));
        var level = _session.KeyLevel;
        var share = new Share(_session, ShareKind.PublicKey, level, party, 0, default);
        var a = new ulong[share.PolyWords];
        _session.CommonReference.Sample(level, CrsPurpose.PublicKey, 0, 0, a);
        var p = share.Poly(0);
        using (var prng = PartyRandomness.Create(secret, _session, PartyRandomness.Purpose.Share, ShareKind.PublicKey, party, 0, default))
        {
            PolyOps.SampleNoise(level, prng, p);
        }

        PolyOps.MultiplySubtract(level, s, a, p, new ulong[share.PolyWords]);
        return share;
    }

    /// <summary>The collective public key from every party's share (each exactly once).</summary>
    /// <exception cref="ShareMismatchException">A share of another session or kind, a party twice, or a party missing.</exception>
    public PublicKey Combine(IReadOnlyCollection<Share> shares)
    {
        var level = _session.KeyLevel;
        var sum = Share.Sum(_session, shares, ShareKind.PublicKey, level, 0, default, AllParties(_session));
        var ct = KeyCiphertext(level);
        sum.Poly(0).CopyTo(ct.Poly(0));
        _session.CommonReference.Sample(level, CrsPurpose.PublicKey, 0, 0, ct.Poly(1));
        return new PublicKey(ct);
    }

    /// <summary>Parties 0..N−1: key generation always takes every party.</summary>
    internal static int[] AllParties(MultipartySession session)
    {
        var parties = new int[session.Parties];
        for (var i = 0; i < parties.Length; i++)
        {
            parties[i] = i;
        }

        return parties;
    }

    /// <summary>An empty size-2 ciphertext at the key level, as a key or key part is stored.</summary>
    internal static Ciphertext KeyCiphertext(Level keyLevel)
    {
        var ct = new Ciphertext();
        ct.Resize(keyLevel, 2);
        ct.IsNTTForm = true;
        ct.Scale = 1.0;
        ct.CorrectionFactor = 1;
        return ct;
    }
}
