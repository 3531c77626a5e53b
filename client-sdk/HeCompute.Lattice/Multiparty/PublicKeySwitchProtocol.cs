using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// Collective decryption by public-key switching (PCKS, Mouchet et al. PETS 2021 §IV-E): a ciphertext (c0, c1) under
/// the collective secret s becomes the querier's ordinary ciphertext under its own key, without ever being decrypted.
/// With the querier's public key (p0, p1), each active party i draws a ternary u_i and publishes
/// (h0 = s_i·c1 + u_i·p0 + e0, h1 = u_i·p1 + e1), e0 flooding noise (<see cref="NoiseFlooding"/>) and e1 ordinary noise;
/// (c0 + Σ h0, Σ h1) decrypts under the querier's secret to c0 + s·c1 + flooding — the message. In t-out-of-N mode the
/// active parties' s_i are their Lagrange-weighted threshold secrets.
/// </summary>
public sealed class PublicKeySwitchProtocol
{
    private readonly MultipartySession _session;

    /// <summary>Creates the protocol for a session with the flooding noise every share adds.</summary>
    public PublicKeySwitchProtocol(MultipartySession session, NoiseFlooding flooding)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(flooding);
        _session = session;
        Flooding = flooding;
    }

    /// <summary>The flooding noise of each share.</summary>
    public NoiseFlooding Flooding { get; }

    /// <summary>
    /// Party <paramref name="party"/>'s decryption share of <paramref name="ciphertext"/> for <paramref name="querier"/>.
    /// N-out-of-N: <paramref name="secret"/> is the party's own secret and <paramref name="activeParties"/> null.
    /// t-out-of-N: <paramref name="secret"/> is its threshold secret (<see cref="Thresholdizer.CombineShares"/>) and
    /// <paramref name="activeParties"/> the t parties taking part, this one among them. The share's randomness (mask
    /// and flooding) is derived from the secret and the target, so asking again for the same ciphertext, querier and
    /// active set gives the same share, never a fresh sample whose average with the first would thin the flooding.
    /// </summary>
    /// <exception cref="ArgumentException">The active set is not t distinct parties of the session including this one, or is given in N-out-of-N mode.</exception>
    /// <exception cref="InvalidOperandException">The ciphertext is not of size 2 (relinearize first).</exception>
    /// <exception cref="ParmsIdMismatchException">The ciphertext or the querier's key belongs to other parameters.</exception>
    public Share GenerateShare(SecretKey secret, int party, Ciphertext ciphertext, PublicKey querier, IReadOnlyList<int>? activeParties = null)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        _session.RequireParty(party, nameof(party));
        var level = RequireInputs(ciphertext, querier);
        var active = ActiveSet(activeParties);
        if (Array.IndexOf(active, party) < 0)
        {
            throw new ArgumentException($"Party {party} is not among the active parties {string.Join(", ", active)}.", nameof(activeParties));
        }

        var target = Target(ciphertext, querier, active);
        var share = new Share(_session, ShareKind.PublicKeySwitch, level, party, 0, target);
        var words = share.PolyWords;
        var keyLevel = _session.KeyLevel;
        var weighted = new ulong[keyLevel.CoeffModulusSize * keyLevel.N];
        if (_session.IsThreshold)
        {
            Thresholdizer.WeightedSecret(keyLevel, s, party, active, weighted);
        }
        else
        {
            s.CopyTo(weighted);
        }

        using var prng = PartyRandomness.Create(secret, _session, PartyRandomness.Purpose.Share, ShareKind.PublicKeySwitch, party, 0, target);
        var u = new ulong[words];
        PolyOps.SampleTernary(level, prng, u);
        var h0 = share.Poly(0);
        PolyOps.SampleGaussian(level.ModuliValues, level.N, Flooding.Sigma, prng, h0, default);
        PolyOps.Forward(level, h0);
        PolyOps.MultiplyAdd(level, weighted, ciphertext.Poly(1), h0);
        PolyOps.MultiplyAdd(level, u, querier.Data.Poly(0), h0);

        var h1 = share.Poly(1);
        PolyOps.SampleNoise(level, prng, h1);
        PolyOps.MultiplyAdd(level, u, querier.Data.Poly(1), h1);
        PolyOps.Clear(weighted);
        PolyOps.Clear(u);
        return share;
    }

    /// <summary>
    /// The querier's ciphertext from the shares of exactly the active parties (every party in N-out-of-N mode), each
    /// once and each made for this ciphertext, querier key and active set. Only the querier's secret key decrypts it.
    /// </summary>
    /// <exception cref="ShareMismatchException">A share for another session, ciphertext, querier or active set; a party twice, missing or not active.</exception>
    public Ciphertext Combine(Ciphertext ciphertext, PublicKey querier, IReadOnlyCollection<Share> shares, IReadOnlyList<int>? activeParties = null)
    {
        var level = RequireInputs(ciphertext, querier);
        var active = ActiveSet(activeParties);
        var sum = Share.Sum(_session, shares, ShareKind.PublicKeySwitch, level, 0, Target(ciphertext, querier, active), active);
        return Apply(ciphertext, sum);
    }

    /// <summary>(c0 + H0, H1) for an aggregate (H0, H1): the last step of <see cref="Combine"/>, with no check of who took part.</summary>
    internal static Ciphertext Apply(Ciphertext ciphertext, Share aggregate)
    {
        var result = new Ciphertext(ciphertext);
        var level = aggregate.Level;
        var c0 = result.Poly(0);
        PolyOps.Add(level, aggregate.Poly(0), c0);
        aggregate.Poly(1).CopyTo(result.Poly(1));
        return result;
    }

    /// <summary>The target digest binding a share to the ciphertext, the querier's key and the active parties.</summary>
    internal static byte[] Target(Ciphertext ciphertext, PublicKey querier, IReadOnlyList<int> active) =>
        Share.Digest(ciphertext.Data, querier.Data.Data, active);

    private Level RequireInputs(Ciphertext ciphertext, PublicKey querier)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(querier);
        var level = _session.Parameters.ValidateCiphertext(ciphertext, nameof(ciphertext));
        if (ciphertext.Size != 2)
        {
            throw new InvalidOperandException($"Collective decryption takes a size-2 ciphertext; this one has size {ciphertext.Size} (relinearize it first).");
        }

        if (querier.ParmsId != _session.Parameters.KeyParmsId || querier.Data.Size != 2)
        {
            throw new ParmsIdMismatchException("The querier's public key is not a key of these parameters.");
        }

        return level;
    }

    /// <summary>The sorted active set: all parties in N-out-of-N mode, exactly t distinct ones in t-out-of-N mode.</summary>
    private int[] ActiveSet(IReadOnlyList<int>? activeParties)
    {
        if (!_session.IsThreshold)
        {
            return activeParties is null
                ? PublicKeyProtocol.AllParties(_session)
                : throw new ArgumentException("An N-out-of-N session decrypts with every party; give no active set.", nameof(activeParties));
        }

        ArgumentNullException.ThrowIfNull(activeParties);
        var sorted = activeParties.Order().ToArray();
        if (sorted.Length != _session.Threshold)
        {
            throw new ArgumentException($"A t-out-of-N decryption takes exactly t = {_session.Threshold} active parties, not {sorted.Length}.", nameof(activeParties));
        }

        for (var i = 0; i < sorted.Length; i++)
        {
            _session.RequireParty(sorted[i], nameof(activeParties));
            if (i > 0 && sorted[i] == sorted[i - 1])
            {
                throw new ArgumentException($"Party {sorted[i]} is listed twice among the active parties.", nameof(activeParties));
            }
        }

        return sorted;
    }
}
