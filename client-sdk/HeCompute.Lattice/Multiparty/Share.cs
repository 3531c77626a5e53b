using System.Security.Cryptography;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Multiparty;

/// <summary>Which protocol and round a <see cref="Share"/> belongs to.</summary>
public enum ShareKind : byte
{
    /// <summary>Collective public-key generation (CKG): −s_i·a + e_i at the key level.</summary>
    PublicKey = 1,

    /// <summary>Relinearization-key generation, round one: per digit (−u_i·a_j + s_i·w_j + e, s_i·a_j + e).</summary>
    RelinearizationRoundOne = 2,

    /// <summary>Relinearization-key generation, round two: per digit s_i·h0_j + (u_i − s_i)·h1_j + e.</summary>
    RelinearizationRoundTwo = 3,

    /// <summary>Galois-key generation (RTG) for one Galois element: per digit −s_i·a_j + s_i(X^g)·w_j + e.</summary>
    GaloisKey = 4,

    /// <summary>Collective decryption by public-key switching (PCKS) to a querier's public key.</summary>
    PublicKeySwitch = 5,
}

/// <summary>
/// One party's contribution to one protocol step (or the sum of all of them, <see cref="AggregateParty"/>): a few
/// polynomials in NTT form at a level, bound to the session, the kind (protocol and round), the party, the Galois
/// element and a target digest (the ciphertext, querier key and active parties of a decryption; the round-one
/// aggregate of round two). Shares are public: none reveals a party's secret, because each is masked by RLWE noise
/// (decryption shares by flooding noise). That randomness is derived from the party's secret and the binding, so a
/// party asked twice for the same step sends the same share, never a second sample of it. Saved in SEAL's envelope (header, optional zlib/zstd); loaded with a size
/// bound computed from the session before anything is allocated.
/// </summary>
public sealed class Share : ISealSaveable
{
    /// <summary>The <see cref="Party"/> of an aggregate (a sum of every party's share).</summary>
    public const int AggregateParty = -1;

    private const uint Magic = 0x534D4348; // "HCMS" little-endian
    private const byte FormatVersion = 1;
    private const int TargetBytes = 32;
    private const int FixedBytes = 4 + 1 + 1 + 2 + 32 + ParmsId.ByteCount + 4 + 4 + TargetBytes + 4;

    private readonly byte[] _sessionId;
    private readonly byte[] _target;

    internal Share(MultipartySession session, ShareKind kind, Level level, int party, uint galoisElement, ReadOnlySpan<byte> target)
        : this(kind, session.SessionIdSpan.ToArray(), level, party, galoisElement, target.IsEmpty ? new byte[TargetBytes] : target.ToArray(), new ulong[PolyCount(kind, session) * level.CoeffModulusSize * level.N])
    {
    }

    private Share(ShareKind kind, byte[] sessionId, Level level, int party, uint galoisElement, byte[] target, ulong[] data)
    {
        Kind = kind;
        _sessionId = sessionId;
        Level = level;
        Party = party;
        GaloisElement = galoisElement;
        _target = target;
        Data = data;
    }

    /// <summary>The protocol and round.</summary>
    public ShareKind Kind { get; }

    /// <summary>The party (0..N−1) that made it, or <see cref="AggregateParty"/> for a sum.</summary>
    public int Party { get; }

    /// <summary>The Galois element of a <see cref="ShareKind.GaloisKey"/> share (0 otherwise).</summary>
    public uint GaloisElement { get; }

    /// <summary>The level of the share's polynomials: the key level for key generation, the ciphertext's for decryption.</summary>
    public ParmsId ParmsId => Level.ParmsId;

    /// <summary>The session it belongs to (<see cref="MultipartySession.SessionId"/>).</summary>
    public ReadOnlySpan<byte> SessionId => _sessionId;

    /// <summary>The digest of what the share is for (zeros for key-generation shares other than round two).</summary>
    public ReadOnlySpan<byte> Target => _target;

    internal Level Level { get; }

    internal ulong[] Data { get; }

    internal int PolyWords => Level.CoeffModulusSize * Level.N;

    internal Span<ulong> Poly(int index) => Data.AsSpan(index * PolyWords, PolyWords);

    internal Span<ulong> Limb(int poly, int prime) => Data.AsSpan((poly * PolyWords) + (prime * Level.N), Level.N);

    private long BodySize => FixedBytes + (8L * Data.Length);

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(BodySize, compression ?? SealSerialization.DefaultCompression);

    /// <summary>Saves the share (SEAL's envelope around this layer's share body).</summary>
    public long Save(Stream stream, CompressionMode? compression = null)
    {
        var writer = new SealBodyWriter(checked((int)BodySize));
        writer.WriteUInt32(Magic);
        writer.WriteByte(FormatVersion);
        writer.WriteByte((byte)Kind);
        writer.WriteUInt16(0);
        writer.WriteBytes(_sessionId);
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        ParmsId.Write(id);
        writer.WriteBytes(id);
        writer.WriteUInt32(unchecked((uint)Party));
        writer.WriteUInt32(GaloisElement);
        writer.WriteBytes(_target);
        writer.WriteUInt32((uint)(Data.Length / PolyWords));
        writer.WriteUInt64s(Data);
        return SealSerialization.Save(stream, compression ?? SealSerialization.DefaultCompression, writer.WrittenSpan);
    }

    /// <summary>
    /// Loads a share of <paramref name="kind"/> made for <paramref name="session"/>, refusing anything larger than the
    /// largest such share before allocating.
    /// </summary>
    /// <exception cref="SealFormatException">Malformed, truncated, oversized, or coefficients not reduced.</exception>
    /// <exception cref="SealCompressionException">Corrupt compressed data.</exception>
    /// <exception cref="ShareMismatchException">A well-formed share of another kind, session, level or party.</exception>
    public static Share Load(MultipartySession session, ShareKind kind, Stream stream) =>
        Load(session, kind, stream, SerializationLimits.Default.MaxObjectBytes);

    /// <summary>As <see cref="Load(MultipartySession, ShareKind, Stream)"/>, also refusing objects above <paramref name="maxBytes"/>.</summary>
    public static Share Load(MultipartySession session, ShareKind kind, Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(stream);
        var keyLevel = session.KeyLevel;
        var bound = SealHeader.ByteCount + FixedBytes + (8L * PolyCount(kind, session) * keyLevel.CoeffModulusSize * keyLevel.N);
        var body = SealSerialization.ReadBody(stream, Math.Min(maxBytes, bound), out _);
        var reader = new SealBodyReader(body);
        if (reader.ReadUInt32() != Magic || reader.ReadByte() != FormatVersion)
        {
            throw new SealFormatException("Not a multiparty share (bad magic or format version).", 0);
        }

        var found = (ShareKind)reader.ReadByte();
        if (found != kind)
        {
            throw new ShareMismatchException(ShareMismatch.Kind, $"The share is a {found} share; this step needs a {kind} share.");
        }

        if (reader.ReadUInt16() != 0)
        {
            throw new SealFormatException("A share's reserved field is not zero.", 6);
        }

        var sessionId = reader.ReadSpan(32).ToArray();
        if (!CryptographicOperations.FixedTimeEquals(sessionId, session.SessionIdSpan))
        {
            throw new ShareMismatchException(ShareMismatch.Session, "The share belongs to another session (other common seed, parameters, party count or threshold).");
        }

        Span<byte> idBytes = stackalloc byte[ParmsId.ByteCount];
        reader.ReadBytes(idBytes);
        var parmsId = ParmsId.Read(idBytes);
        var level = session.Parameters.GetLevel(parmsId);
        var keyKind = kind != ShareKind.PublicKeySwitch;
        if (level is null || (keyKind ? level != keyLevel : level == keyLevel))
        {
            throw new ShareMismatchException(ShareMismatch.Level, $"The share is at parms_id {parmsId}, which is not a level a {kind} share can be at.");
        }

        var party = unchecked((int)reader.ReadUInt32());
        if (!(party >= 0 && party < session.Parties) && !(party == AggregateParty && kind == ShareKind.RelinearizationRoundOne))
        {
            throw new ShareMismatchException(ShareMismatch.Party, $"The share is from party {party}; the session has parties 0..{session.Parties - 1}.");
        }

        var offset = reader.Position;
        var element = reader.ReadUInt32();
        var elementValid = kind == ShareKind.GaloisKey
            ? (element & 1) == 1 && element < 2UL * (ulong)keyLevel.N
            : element == 0;
        if (!elementValid)
        {
            throw new SealFormatException($"Galois element {element} is not valid for a {kind} share.", offset);
        }

        var target = reader.ReadSpan(TargetBytes).ToArray();
        offset = reader.Position;
        var polys = reader.ReadUInt32();
        if (polys != PolyCount(kind, session))
        {
            throw new SealFormatException($"A {kind} share has {PolyCount(kind, session)} polynomials, not {polys}.", offset);
        }

        var words = (long)polys * level.CoeffModulusSize * level.N;
        if (reader.Remaining != words * 8)
        {
            throw new SealFormatException($"A {kind} share at this level holds {words * 8} bytes of coefficients, not {reader.Remaining}.", reader.Position);
        }

        var data = new ulong[words];
        reader.ReadUInt64s(data);
        PolyArrays.CheckReduced(data, level.ModuliValues, level.N, (int)polys, "Share");
        return new Share(kind, sessionId, level, party, element, target, data);
    }

    /// <summary>Polynomials in a share of <paramref name="kind"/>.</summary>
    internal static int PolyCount(ShareKind kind, MultipartySession session) => kind switch
    {
        ShareKind.PublicKey => 1,
        ShareKind.RelinearizationRoundOne => 2 * session.Digits,
        ShareKind.RelinearizationRoundTwo => session.Digits,
        ShareKind.GaloisKey => session.Digits,
        ShareKind.PublicKeySwitch => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown share kind."),
    };

    /// <summary>
    /// The sum of <paramref name="shares"/>, after checking that each is a share of this session, kind, level,
    /// element and target, and that they come from exactly <paramref name="parties"/>, each once.
    /// </summary>
    internal static Share Sum(MultipartySession session, IReadOnlyCollection<Share> shares, ShareKind kind, Level level, uint galoisElement, ReadOnlySpan<byte> target, IReadOnlyList<int> parties)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var seen = new bool[session.Parties];
        foreach (var share in shares)
        {
            ArgumentNullException.ThrowIfNull(share, nameof(shares));
            share.RequireFor(session, kind, level, galoisElement, target);
            if (share.Party < 0 || seen[share.Party])
            {
                throw new ShareMismatchException(ShareMismatch.Party, share.Party < 0 ? "An aggregate cannot be aggregated again." : $"Party {share.Party} sent two shares for one step; a re-sent share is refused.");
            }

            seen[share.Party] = true;
        }

        var expected = 0;
        foreach (var party in parties)
        {
            expected++;
            if (!seen[party])
            {
                throw new ShareMismatchException(ShareMismatch.Incomplete, $"The share of party {party} is missing.");
            }
        }

        if (expected != shares.Count)
        {
            throw new ShareMismatchException(ShareMismatch.Incomplete, $"{shares.Count} shares were given; this step takes exactly the {expected} of parties {string.Join(", ", parties)}.");
        }

        return SumUnchecked(session, shares, kind, level, galoisElement, target);
    }

    /// <summary>The sum of shares already checked (or, in tests, deliberately incomplete).</summary>
    internal static Share SumUnchecked(MultipartySession session, IEnumerable<Share> shares, ShareKind kind, Level level, uint galoisElement, ReadOnlySpan<byte> target)
    {
        var sum = new Share(session, kind, level, AggregateParty, galoisElement, target);
        var polys = PolyCount(kind, session);
        foreach (var share in shares)
        {
            for (var p = 0; p < polys; p++)
            {
                for (var j = 0; j < level.CoeffModulusSize; j++)
                {
                    var acc = sum.Limb(p, j);
                    PolyArith.AddMod(acc, share.Limb(p, j), acc, level.Moduli[j]);
                }
            }
        }

        return sum;
    }

    /// <summary>Refuses a share of another session, kind, level, Galois element or target.</summary>
    internal void RequireFor(MultipartySession session, ShareKind kind, Level level, uint galoisElement, ReadOnlySpan<byte> target)
    {
        if (Kind != kind)
        {
            throw new ShareMismatchException(ShareMismatch.Kind, $"A {Kind} share was given where a {kind} share is needed.");
        }

        if (!CryptographicOperations.FixedTimeEquals(_sessionId, session.SessionIdSpan))
        {
            throw new ShareMismatchException(ShareMismatch.Session, "The share belongs to another session.");
        }

        if (Level.ParmsId != level.ParmsId)
        {
            throw new ShareMismatchException(ShareMismatch.Level, $"The share is at parms_id {Level.ParmsId}; this step is at {level.ParmsId}.");
        }

        if (GaloisElement != galoisElement)
        {
            throw new ShareMismatchException(ShareMismatch.GaloisElement, $"The share is for Galois element {GaloisElement}, not {galoisElement}.");
        }

        if (!CryptographicOperations.FixedTimeEquals(_target, target.IsEmpty ? new byte[TargetBytes] : target))
        {
            throw new ShareMismatchException(ShareMismatch.Target, "The share was made for another target (ciphertext, querier key, active parties or round-one aggregate).");
        }
    }

    /// <summary>SHA-256 over polynomials' words and a few integers: the target digest of a step.</summary>
    internal static byte[] Digest(ReadOnlySpan<ulong> words, ReadOnlySpan<ulong> moreWords, IReadOnlyList<int>? parties)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(moreWords));
        if (parties is not null)
        {
            Span<byte> party = stackalloc byte[4];
            foreach (var p in parties)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(party, p);
                hash.AppendData(party);
            }
        }

        return hash.GetHashAndReset();
    }
}
