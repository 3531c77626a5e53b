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

    /// <summary>A party's fresh ephemeral secret u_i for one run; it serves one round one and one round two, then is erased.</summary>
    public RelinKeyEphemeral CreateEphemeral() => new(_session.KeyLevel);

    /// <summary>Round one: per digit (−u_i·a_j + s_i·w_j + e, s_i·a_j + e).</summary>
    /// <exception cref="InvalidOperationException">The ephemeral was already used for a round one.</exception>
    public Share GenerateRoundOne(SecretKey secret, RelinKeyEphemeral ephemeral, int party)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        ArgumentNullException.ThrowIfNull(ephemeral);
        _session.RequireParty(party, nameof(party));
        ephemeral.BeginRoundOne(party);
        var level = _session.KeyLevel;
        var n = level.N;
        var special = level.Moduli[^1].Value;
        var share = new Share(_session, ShareKind.RelinearizationRoundOne, level, party, 0, default);
        var a = new ulong[share.PolyWords];
        var scratch = new ulong[share.PolyWords];
        for (var j = 0; j < _session.Digits; j++)
        {
            _session.CommonReference.Sample(level, CrsPurpose.RelinearizationKey, 0, j, a);
            var h0 = share.Poly(2 * j);
            PolyOps.SampleNoise(level, h0);
            PolyOps.MultiplySubtract(level, ephemeral.U, a, h0, scratch);
            var q = level.Moduli[j];
            PolyArith.MultiplyScalarAddMod(s.Slice(j * n, n), q.Reduce(special), h0.Slice(j * n, n), q);

            var h1 = share.Poly((2 * j) + 1);
            PolyOps.SampleNoise(level, h1);
            PolyOps.MultiplyAdd(level, s, a, h1);
        }

        PolyOps.Clear(scratch);
        return share;
    }

    /// <summary>The round-one aggregate (every party's round-one share, each once), input of round two.</summary>
    /// <exception cref="ShareMismatchException">A share of another session or kind, a party twice, or a party missing.</exception>
    public Share AggregateRoundOne(IReadOnlyCollection<Share> shares) =>
        Share.Sum(_session, shares, ShareKind.RelinearizationRoundOne, _session.KeyLevel, 0, default, PublicKeyProtocol.AllParties(_session));

    /// <summary>Round two on the round-one aggregate: per digit s_i·H0_j + (u_i − s_i)·H1_j + e. Erases the ephemeral.</summary>
    /// <exception cref="InvalidOperationException">The ephemeral has not done round one for this party, or has done round two already.</exception>
    /// <exception cref="ShareMismatchException"><paramref name="roundOneAggregate"/> is not a round-one aggregate of this session.</exception>
    public Share GenerateRoundTwo(SecretKey secret, RelinKeyEphemeral ephemeral, int party, Share roundOneAggregate)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        ArgumentNullException.ThrowIfNull(ephemeral);
        _session.RequireParty(party, nameof(party));
        var level = _session.KeyLevel;
        RequireAggregate(roundOneAggregate, level);
        ephemeral.BeginRoundTwo(party);
        var share = new Share(_session, ShareKind.RelinearizationRoundTwo, level, party, 0, Share.Digest(roundOneAggregate.Data, default, null));
        var uMinusS = new ulong[share.PolyWords];
        PolyOps.Subtract(level, ephemeral.U, s, uMinusS);
        ephemeral.Erase();
        for (var j = 0; j < _session.Digits; j++)
        {
            var h = share.Poly(j);
            PolyOps.SampleNoise(level, h);
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

/// <summary>
/// A party's ephemeral secret u_i of one relinearization-key run. Never serialized: it lives from round one to round
/// two of one run and is then erased, because reusing it in a second run (or answering two round-one aggregates)
/// publishes two RLWE samples with the same secrets whose difference removes the mask.
/// </summary>
public sealed class RelinKeyEphemeral : IDisposable
{
    private readonly ulong[] _u;
    private int _party = -1;
    private int _round;

    internal RelinKeyEphemeral(Level keyLevel)
    {
        _u = new ulong[keyLevel.CoeffModulusSize * keyLevel.N];
        PolyOps.SampleTernary(keyLevel, _u);
    }

    internal ReadOnlySpan<ulong> U => _round is 1 or 2 ? _u : throw new ObjectDisposedException(nameof(RelinKeyEphemeral), "The ephemeral secret was erased.");

    internal void BeginRoundOne(int party)
    {
        ObjectDisposedException.ThrowIf(_round == 3, this);
        if (_round != 0)
        {
            throw new InvalidOperationException("This ephemeral secret already served a round one; a run needs a fresh one (reuse leaks the mask).");
        }

        _party = party;
        _round = 1;
    }

    internal void BeginRoundTwo(int party)
    {
        if (_round != 1 || _party != party)
        {
            throw new InvalidOperationException(_round == 0
                ? "Round two needs the ephemeral secret of this party's round one."
                : _round == 1 ? $"This ephemeral secret belongs to party {_party}, not {party}." : "This ephemeral secret already served its round two.");
        }

        _round = 2;
    }

    internal void Erase()
    {
        PolyOps.Clear(_u);
        _round = 3;
    }

    /// <summary>Erases the ephemeral secret.</summary>
    public void Dispose() => Erase();
}
