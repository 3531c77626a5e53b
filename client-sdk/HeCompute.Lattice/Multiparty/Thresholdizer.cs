using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// t-out-of-N re-sharing (Mouchet et al., ePrint 2022/780): each party i Shamir-shares its secret s_i with a random
/// polynomial f_i of degree t − 1 over R_Q (f_i(0) = s_i; every RNS prime at once, since the arithmetic is limb-wise)
/// and sends f_i(x_j) to party j, where x_j = j + 1. Party j's t-out-of-N secret is s′_j = Σ_i f_i(x_j) = F(x_j) with
/// F(0) = Σ s_i = s; any t active parties T recover an additive sharing of s as λ_j·s′_j, λ_j the Lagrange coefficient
/// of x_j in T at 0 computed modulo each prime. Keys are generated with the parties' own s_i; only decryption uses the
/// threshold shares.
/// </summary>
public sealed class Thresholdizer
{
    private readonly MultipartySession _session;

    /// <summary>Creates the re-sharing for a t-out-of-N session.</summary>
    /// <exception cref="InvalidOperationException">The session is N-out-of-N, or a prime is not above N (the points x_j must be distinct and invertible).</exception>
    public Thresholdizer(MultipartySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.IsThreshold)
        {
            throw new InvalidOperationException("An N-out-of-N session needs no re-sharing: each party decrypts with its own secret.");
        }

        foreach (var q in session.KeyLevel.ModuliValues)
        {
            if (q <= (ulong)session.Parties)
            {
                throw new InvalidOperationException($"Prime {q} is not above the party count {session.Parties}; Shamir points would collide.");
            }
        }

        _session = session;
    }

    /// <summary>Party <paramref name="sender"/>'s Shamir shares of its secret, one per party (its own included), each for that party only.</summary>
    public IReadOnlyList<ShamirShare> ShareSecret(SecretKey secret, int sender)
    {
        var s = _session.RequireSecret(secret, nameof(secret)).Data.Data;
        _session.RequireParty(sender, nameof(sender));
        var level = _session.KeyLevel;
        var words = level.CoeffModulusSize * level.N;
        var coefficients = new ulong[(_session.Threshold - 1) * words];
        for (var k = 0; k < _session.Threshold - 1; k++)
        {
            PolyOps.SampleUniform(level, coefficients.AsSpan(k * words, words));
        }

        var shares = new ShamirShare[_session.Parties];
        for (var recipient = 0; recipient < shares.Length; recipient++)
        {
            var value = new ulong[words];
            for (var j = 0; j < level.CoeffModulusSize; j++)
            {
                // Horner from the top coefficient down to f_i(0) = s_i.
                var q = level.Moduli[j];
                var x = q.Reduce((ulong)recipient + 1);
                var acc = value.AsSpan(j * level.N, level.N);
                for (var k = _session.Threshold - 2; k >= 0; k--)
                {
                    PolyArith.MultiplyScalarMod(acc, x, acc, q);
                    PolyArith.AddMod(acc, coefficients.AsSpan((k * words) + (j * level.N), level.N), acc, q);
                }

                PolyArith.MultiplyScalarMod(acc, x, acc, q);
                PolyArith.AddMod(acc, s.Slice(j * level.N, level.N), acc, q);
            }

            shares[recipient] = new ShamirShare(_session, sender, recipient, value);
        }

        PolyOps.Clear(coefficients);
        return shares;
    }

    /// <summary>
    /// Party <paramref name="recipient"/>'s t-out-of-N secret s′_j = Σ_i f_i(x_j), from the shares every party sent it
    /// (each exactly once). Store it as a secret key is stored.
    /// </summary>
    /// <exception cref="ShareMismatchException">A share for another session or recipient, a sender twice, or a sender missing.</exception>
    public SecretKey CombineShares(int recipient, IReadOnlyCollection<ShamirShare> received)
    {
        ArgumentNullException.ThrowIfNull(received);
        _session.RequireParty(recipient, nameof(recipient));
        var level = _session.KeyLevel;
        var seen = new bool[_session.Parties];
        var plain = new Plaintext((ulong)(level.CoeffModulusSize * level.N));
        foreach (var share in received)
        {
            ArgumentNullException.ThrowIfNull(share, nameof(received));
            if (!share.SessionId.SequenceEqual(_session.SessionIdSpan))
            {
                throw new ShareMismatchException(ShareMismatch.Session, "The Shamir share belongs to another session.");
            }

            if (share.Recipient != recipient)
            {
                throw new ShareMismatchException(ShareMismatch.Party, $"The Shamir share is for party {share.Recipient}, not {recipient}.");
            }

            if (seen[share.Sender])
            {
                throw new ShareMismatchException(ShareMismatch.Party, $"Party {share.Sender} sent two Shamir shares.");
            }

            seen[share.Sender] = true;
            PolyOps.Add(level, share.Value, plain.Data);
        }

        if (Array.IndexOf(seen, false) is var missing and >= 0)
        {
            plain.Dispose();
            throw new ShareMismatchException(ShareMismatch.Incomplete, $"The Shamir share of party {missing} is missing.");
        }

        plain.ParmsId = level.ParmsId;
        plain.Scale = 1.0;
        return new SecretKey(plain);
    }

    /// <summary>
    /// λ_party·s′ limb by limb: the additive share of s that <paramref name="party"/> holds among the active parties
    /// (written into <paramref name="destination"/>, key level, NTT form).
    /// </summary>
    internal static void WeightedSecret(Level level, ReadOnlySpan<ulong> thresholdSecret, int party, IReadOnlyList<int> active, Span<ulong> destination)
    {
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            var q = level.Moduli[j];
            var lambda = LagrangeAtZero(q, party, active);
            PolyArith.MultiplyScalarMod(thresholdSecret.Slice(j * level.N, level.N), lambda, destination.Slice(j * level.N, level.N), q);
        }
    }

    /// <summary>Π over the other active parties m of x_m / (x_m − x_party) mod q, with x = party + 1.</summary>
    internal static ulong LagrangeAtZero(in SmallModulus q, int party, IReadOnlyList<int> active)
    {
        var xi = q.Reduce((ulong)party + 1);
        var lambda = 1UL;
        foreach (var m in active)
        {
            if (m == party)
            {
                continue;
            }

            var xm = q.Reduce((ulong)m + 1);
            lambda = ModArith.Multiply(lambda, ModArith.Multiply(xm, ModArith.Inverse(ModArith.Sub(xm, xi, q), q), q), q);
        }

        return lambda;
    }
}

/// <summary>
/// f_i(x_j): what party <see cref="Sender"/> sends party <see cref="Recipient"/> during re-sharing. Secret — t of them
/// reveal the sender's key — so this type has no serialization: it goes to the recipient only over a channel encrypted
/// for it, and is erased by <see cref="Dispose"/> once combined.
/// </summary>
public sealed class ShamirShare : IDisposable
{
    private readonly byte[] _sessionId;
    private readonly ulong[] _value;

    internal ShamirShare(MultipartySession session, int sender, int recipient, ulong[] value)
    {
        _sessionId = session.SessionIdSpan.ToArray();
        Sender = sender;
        Recipient = recipient;
        _value = value;
    }

    /// <summary>The party whose secret this shares.</summary>
    public int Sender { get; }

    /// <summary>The party it is for.</summary>
    public int Recipient { get; }

    internal ReadOnlySpan<byte> SessionId => _sessionId;

    internal ReadOnlySpan<ulong> Value => _value;

    /// <summary>Overwrites the share with zeros.</summary>
    public void Dispose() => PolyOps.Clear(_value);
}
