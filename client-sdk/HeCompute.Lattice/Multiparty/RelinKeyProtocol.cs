using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// Collective relinearization-key generation (RKG), the two-round protocol of Mouchet et al. (PETS 2021 §IV-C), in the
/// engine's hybrid key-switching form: one digit per data prime q_j with gadget w_j = [P mod q_j] in limb j (P the
/// special prime), so the result switches s² to s exactly as <see cref="KeyGenerator.CreateRelinKeys"/>'s keys do.
/// </summary>
/// <remarks>
/// Round one: party i draws an ephemeral ternary u_i and publishes, per digit j with common a_j,
/// (h0 = −u_i·a_j + s_i·w_j + e, h1 = s_i·a_j + e). Round two, on the aggregate (H0_j, H1_j): party i publishes
/// s_i·H0_j + (u_i − s_i)·H1_j + e (the paper's two round-two polynomials, sent as their sum: the key only needs it).
/// The key part j is (Σ round two, H1_j): c0 + c1·s = s²·w_j + s·e + u·e — an encryption of s²·w_j under s.
/// u_i is derived from s_i and the session (as all of a share's randomness, see <see cref="Share"/>), so round two
/// re-derives it: nothing but the secret key is kept between the rounds, and a party asked twice sends the same share.
/// </remarks>
public sealed class RelinKeyProtocol
{
    private readonly MultipartySession _session;

    /// <summary>Creates the protocol for a session.</summary>
    public RelinKeyProtocol(MultipartySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
    }

    /// <summary>Round one: per digit (−u_i·a_j + s_i·w_j + e, s_i·a_j + e).</summary>
    public Share GenerateRoundOne(SecretKey secret, int party)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        _session.RequireParty(party, nameof(party));
        var level = _session.KeyLevel;
        var u = Ephemeral(secret, party);
        var n = level.N;
        var special = level.Moduli[^1].Value;
        var share = new Share(_session, ShareKind.RelinearizationRoundOne, level, party, 0, default);
        var a = new ulong[share.PolyWords];
        var scratch = new ulong[share.PolyWords];
        using var prng = PartyRandomness.Create(secret, _session, PartyRandomness.Purpose.Share, ShareKind.RelinearizationRoundOne, party, 0, default);
        for (var j = 0; j < _session.Digits; j++)
        {
            _session.CommonReference.Sample(level, CrsPurpose.RelinearizationKey, 0, j, a);
            var h0 = share.Poly(2 * j);
            PolyOps.SampleNoise(level, prng, h0);
            PolyOps.MultiplySubtract(level, u, a, h0, scratch);
            var q = level.Moduli[j];
            PolyArith.MultiplyScalarAddMod(s.Slice(j * n, n), q.Reduce(special), h0.Slice(j * n, n), q);

            var h1 = share.Poly((2 * j) + 1);
            PolyOps.SampleNoise(level, prng, h1);
            PolyOps.MultiplyAdd(level, s, a, h1);
        }

        PolyOps.Clear(scratch);
        PolyOps.Clear(u);
        return share;
    }

    /// <summary>The round-one aggregate (every party's round-one share, each once), input of round two.</summary>
    /// <exception cref="ShareMismatchException">A share of another session or kind, a party twice, or a party missing.</exception>
    public Share AggregateRoundOne(IReadOnlyCollection<Share> shares) =>
        Share.Sum(_session, shares, ShareKind.RelinearizationRoundOne, _session.KeyLevel, 0, default, PublicKeyProtocol.AllParties(_session));

    /// <summary>Round two on the round-one aggregate: per digit s_i·H0_j + (u_i − s_i)·H1_j + e.</summary>
    /// <exception cref="ShareMismatchException"><paramref name="roundOneAggregate"/> is not a round-one aggregate of this session.</exception>
    public Share GenerateRoundTwo(SecretKey secret, int party, Share roundOneAggregate)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        _session.RequireParty(party, nameof(party));
        var level = _session.KeyLevel;
        RequireAggregate(roundOneAggregate, level);
        var target = Share.Digest(roundOneAggregate.Data, default, null);
        var share = new Share(_session, ShareKind.RelinearizationRoundTwo, level, party, 0, target);
        var uMinusS = Ephemeral(secret, party);
        PolyOps.Subtract(level, uMinusS, s, uMinusS);
        using var prng = PartyRandomness.Create(secret, _session, PartyRandomness.Purpose.Share, ShareKind.RelinearizationRoundTwo, party, 0, target);
        for (var j = 0; j < _session.Digits; j++)
        {
            var h = share.Poly(j);
            PolyOps.SampleNoise(level, prng, h);
            PolyOps.MultiplyAdd(level, s, roundOneAggregate.Poly(2 * j), h);
            PolyOps.MultiplyAdd(level, uMinusS, roundOneAggregate.Poly((2 * j) + 1), h);
        }

        PolyOps.Clear(uMinusS);
        return share;
    }

    /// <summary>The collective relinearization keys from the round-one aggregate and every party's round-two share.</summary>
    /// <exception cref="ShareMismatchException">A share of another session, kind or round-one aggregate, a party twice, or a party missing.</exception>
    public RelinKeys Combine(Share roundOneAggregate, IReadOnlyCollection<Share> roundTwo)
    {
        var level = _session.KeyLevel;
        RequireAggregate(roundOneAggregate, level);
        var sum = Share.Sum(_session, roundTwo, ShareKind.RelinearizationRoundTwo, level, 0, Share.Digest(roundOneAggregate.Data, default, null), PublicKeyProtocol.AllParties(_session));
        var parts = new PublicKey[_session.Digits];
        for (var j = 0; j < parts.Length; j++)
        {
            var ct = PublicKeyProtocol.KeyCiphertext(level);
            sum.Poly(j).CopyTo(ct.Poly(0));
            roundOneAggregate.Poly((2 * j) + 1).CopyTo(ct.Poly(1));
            parts[j] = new PublicKey(ct);
        }

        var keys = new RelinKeys { ParmsId = level.ParmsId };
        keys.Resize(1);
        keys.SetEntry(0, new SwitchingKey(parts));
        return keys;
    }

    /// <summary>The party's ephemeral ternary u_i of this session (key level, NTT form); the caller erases it.</summary>
    private ulong[] Ephemeral(SecretKey secret, int party)
    {
        var level = _session.KeyLevel;
        var u = new ulong[level.CoeffModulusSize * level.N];
        using var prng = PartyRandomness.Create(secret, _session, PartyRandomness.Purpose.RelinEphemeral, ShareKind.RelinearizationRoundOne, party, 0, default);
        PolyOps.SampleTernary(level, prng, u);
        return u;
    }

    private void RequireAggregate(Share aggregate, Level level)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        aggregate.RequireFor(_session, ShareKind.RelinearizationRoundOne, level, 0, default);
        if (aggregate.Party != Share.AggregateParty)
        {
            throw new ShareMismatchException(ShareMismatch.Party, $"Round two takes the round-one aggregate, not party {aggregate.Party}'s own share.");
        }
    }
}
