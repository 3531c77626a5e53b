using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// Collective Galois-key generation (RTG, Mouchet et al. PETS 2021 §IV-D) for exactly the Galois elements asked for:
/// per element g and digit j, with common a_j of (g, j), party i publishes −s_i·a_j + s_i(X^g)·w_j + e; the sum with a_j
/// is (−s·a_j + s(X^g)·w_j + e, a_j), the key part SEAL's key generator makes for s(X^g) — one round, since s(X^g) is
/// linear in the shares s_i.
/// </summary>
public sealed class GaloisKeyProtocol
{
    private readonly MultipartySession _session;

    /// <summary>Creates the protocol for a session.</summary>
    public GaloisKeyProtocol(MultipartySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
    }

    /// <summary>The Galois elements of rotation steps (0 = complex conjugation), as the evaluator looks them up.</summary>
    public uint[] ElementsOf(IReadOnlyList<int> steps) => GaloisElements.FromSteps(steps, _session.KeyLevel.N);

    /// <summary>Party <paramref name="party"/>'s share of the key for <paramref name="galoisElement"/> (deterministic, as every share).</summary>
    /// <exception cref="ArgumentException">The element is even or not below 2N.</exception>
    public Share GenerateShare(SecretKey secret, int party, uint galoisElement)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        _session.RequireParty(party, nameof(party));
        var level = _session.KeyLevel;
        GaloisElements.Validate(galoisElement, level.N);
        var n = level.N;
        var special = level.Moduli[^1].Value;
        var share = new Share(_session, ShareKind.GaloisKey, level, party, galoisElement, default);
        var a = new ulong[share.PolyWords];
        var rotated = new ulong[share.PolyWords];
        var scratch = new ulong[share.PolyWords];
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            PolyArith.PermuteGaloisNtt(s.Slice(j * n, n), rotated.AsSpan(j * n, n), galoisElement, level.LogN);
        }

        using var prng = PartyRandomness.Create(secret, _session, PartyRandomness.Purpose.Share, ShareKind.GaloisKey, party, galoisElement, default);
        for (var j = 0; j < _session.Digits; j++)
        {
            _session.CommonReference.Sample(level, CrsPurpose.GaloisKey, galoisElement, j, a);
            var h = share.Poly(j);
            PolyOps.SampleNoise(level, prng, h);
            PolyOps.MultiplySubtract(level, s, a, h, scratch);
            var q = level.Moduli[j];
            PolyArith.MultiplyScalarAddMod(rotated.AsSpan(j * n, n), q.Reduce(special), h.Slice(j * n, n), q);
        }

        PolyOps.Clear(rotated);
        PolyOps.Clear(scratch);
        return share;
    }

    /// <summary>
    /// The collective Galois keys: one group of shares per Galois element, each group holding every party's share of
    /// that element exactly once.
    /// </summary>
    /// <exception cref="ArgumentException">A group is empty, or two groups are for the same element.</exception>
    /// <exception cref="ShareMismatchException">A share of another session, kind or element, a party twice, or a party missing.</exception>
    public GaloisKeys Combine(IEnumerable<IReadOnlyCollection<Share>> sharesPerElement)
    {
        ArgumentNullException.ThrowIfNull(sharesPerElement);
        var level = _session.KeyLevel;
        var keys = new GaloisKeys { ParmsId = level.ParmsId };
        keys.Resize(level.N);
        var all = PublicKeyProtocol.AllParties(_session);
        foreach (var group in sharesPerElement)
        {
            ArgumentNullException.ThrowIfNull(group, nameof(sharesPerElement));
            var element = group.Count > 0 ? group.First().GaloisElement : throw new ArgumentException("A group of Galois-key shares is empty.", nameof(sharesPerElement));
            if (keys.HasKey(element))
            {
                throw new ArgumentException($"Two groups of shares are for Galois element {element}.", nameof(sharesPerElement));
            }

            var sum = Share.Sum(_session, group, ShareKind.GaloisKey, level, element, default, all);
            var parts = new PublicKey[_session.Digits];
            for (var j = 0; j < parts.Length; j++)
            {
                var ct = PublicKeyProtocol.KeyCiphertext(level);
                sum.Poly(j).CopyTo(ct.Poly(0));
                _session.CommonReference.Sample(level, CrsPurpose.GaloisKey, element, j, ct.Poly(1));
                parts[j] = new PublicKey(ct);
            }

            keys.SetEntry(GaloisKeys.GetIndex(element), new SwitchingKey(parts));
        }

        return keys;
    }
}
