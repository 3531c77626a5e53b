using System.Buffers.Binary;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Multiparty;

/// <summary>
/// Shares on the wire: they round-trip, and the loader refuses malformed, truncated, oversized, foreign and misbound
/// shares with specific exceptions before allocating more than the largest legitimate share. The protocols refuse
/// re-sent, missing and misbound shares and reused ephemeral secrets.
/// </summary>
public sealed class ShareTests
{
    private const int Header = SealHeader.ByteCount;
    private const int PartyOffset = Header + 4 + 1 + 1 + 2 + 32 + 32;
    private const int ElementOffset = PartyOffset + 4;
    private const int PolyCountOffset = ElementOffset + 4 + 32;
    private const int WordsOffset = PolyCountOffset + 4;

    private static readonly MultipartySession Session = new(Ceremony.Parameters, CommonReference.CreateRandom(), 3);
    private static readonly SecretKey[] Secrets = Enumerable.Range(0, 3).Select(_ => { using var g = new KeyGenerator(Ceremony.Parameters); return g.SecretKey; }).ToArray();

    [Theory]
    [InlineData(CompressionMode.None)]
    [InlineData(CompressionMode.Zlib)]
    [InlineData(CompressionMode.Zstd)]
    public void Every_kind_of_share_round_trips_and_loaded_shares_combine_to_the_same_key(CompressionMode compression)
    {
        var ckg = new PublicKeyProtocol(Session);
        var shares = Enumerable.Range(0, 3).Select(i => ckg.GenerateShare(Secrets[i], i)).ToArray();
        var loaded = shares.Select(s => Load(Save(s, compression), ShareKind.PublicKey)).ToArray();
        Assert.Equal(ckg.Combine(shares).Data.Poly(0).ToArray(), ckg.Combine(loaded).Data.Poly(0).ToArray());

        var rkg = new RelinKeyProtocol(Session);
        var roundOne = rkg.GenerateRoundOne(Secrets[0], 0);
        AssertSame(roundOne, Load(Save(roundOne, compression), ShareKind.RelinearizationRoundOne));
        var rtg = new GaloisKeyProtocol(Session);
        var galois = rtg.GenerateShare(Secrets[1], 1, rtg.ElementsOf([3])[0]);
        AssertSame(galois, Load(Save(galois, compression), ShareKind.GaloisKey));

        using var ceremony = new Ceremony(3, 3, []);
        var ct = ceremony.Encrypt(Ceremony.Values(1, 8));
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        var decryption = ceremony.DecryptionShares(pcks, ct, null);
        var reloaded = decryption.Select(s => Share.Load(ceremony.Session, ShareKind.PublicKeySwitch, new MemoryStream(Save(s, compression)))).ToArray();
        Assert.All(decryption.Zip(reloaded), pair => AssertSame(pair.First, pair.Second));
        Assert.Equal(pcks.Combine(ct, ceremony.QuerierKey, decryption).Data.ToArray(), pcks.Combine(ct, ceremony.QuerierKey, reloaded).Data.ToArray());
        Assert.Equal(Save(shares[0], CompressionMode.None).Length, shares[0].SaveSize(CompressionMode.None));
    }

    [Fact]
    public void A_share_of_another_kind_session_or_level_is_refused_as_a_mismatch()
    {
        var bytes = Save(new PublicKeyProtocol(Session).GenerateShare(Secrets[0], 0));
        Assert.Equal(ShareMismatch.Kind, Assert.Throws<ShareMismatchException>(() => Load(bytes, ShareKind.GaloisKey)).Reason);

        var otherSeed = new MultipartySession(Ceremony.Parameters, CommonReference.CreateRandom(), 3);
        var otherCount = new MultipartySession(Ceremony.Parameters, new CommonReference(Session.CommonReference.Seed), 4);
        Assert.Equal(ShareMismatch.Session, Assert.Throws<ShareMismatchException>(() => Share.Load(otherSeed, ShareKind.PublicKey, new MemoryStream(bytes))).Reason);
        Assert.Equal(ShareMismatch.Session, Assert.Throws<ShareMismatchException>(() => Share.Load(otherCount, ShareKind.PublicKey, new MemoryStream(bytes))).Reason);

        var party = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(party.AsSpan(PartyOffset), 3);
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => Load(party, ShareKind.PublicKey)).Reason);

        var level = (byte[])bytes.Clone();
        Ceremony.Parameters.FirstParmsId.Write(level.AsSpan(Header + 4 + 1 + 1 + 2 + 32));
        Assert.Equal(ShareMismatch.Level, Assert.Throws<ShareMismatchException>(() => Load(level, ShareKind.PublicKey)).Reason);
    }

    [Fact]
    public void Malformed_shares_are_refused_as_format_errors()
    {
        var share = new GaloisKeyProtocol(Session).GenerateShare(Secrets[0], 0, 3);
        var bytes = Save(share);
        Load(bytes, ShareKind.GaloisKey);

        AssertFormat(Mutate(bytes, b => b[Header] ^= 1), "magic");
        AssertFormat(Mutate(bytes, b => b[Header + 6] = 1), "reserved");
        AssertFormat(Mutate(bytes, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ElementOffset), 4)), "even Galois element");
        AssertFormat(Mutate(bytes, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ElementOffset), 2u * 8192 + 1)), "Galois element beyond 2N");
        AssertFormat(Mutate(bytes, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(PolyCountOffset), 2)), "polynomial count");
        AssertFormat(Mutate(bytes, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(WordsOffset + 8), ulong.MaxValue)), "unreduced coefficient");
        AssertFormat(bytes[..^8], "truncated");
        AssertFormat(bytes[..(Header + 10)], "truncated in the fixed fields");
        AssertFormat([], "empty");

        var pk = Save(new PublicKeyProtocol(Session).GenerateShare(Secrets[0], 0));
        AssertFormat(Mutate(pk, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ElementOffset), 3)), "Galois element on a public-key share", ShareKind.PublicKey);
    }

    [Fact]
    public void A_declared_size_above_the_largest_share_is_refused_before_allocating()
    {
        var bytes = Save(new PublicKeyProtocol(Session).GenerateShare(Secrets[0], 0));
        foreach (var size in new[] { (ulong)bytes.Length + 8, 1UL << 40 })
        {
            var oversized = Mutate(bytes, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), size));
            var before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<SealFormatException>(() => Load(oversized, ShareKind.PublicKey));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        }

        Assert.Throws<SealFormatException>(() => Share.Load(Session, ShareKind.PublicKey, new MemoryStream(bytes), maxBytes: bytes.Length - 1));
    }

    [Fact]
    public void Key_generation_refuses_re_sent_missing_and_misbound_shares()
    {
        var ckg = new PublicKeyProtocol(Session);
        var shares = Enumerable.Range(0, 3).Select(i => ckg.GenerateShare(Secrets[i], i)).ToArray();
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => ckg.Combine([shares[0], shares[1], shares[1]])).Reason);
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => ckg.Combine([shares[0], shares[1], ckg.GenerateShare(Secrets[1], 1)])).Reason);
        Assert.Equal(ShareMismatch.Incomplete, Assert.Throws<ShareMismatchException>(() => ckg.Combine(shares[..2])).Reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => ckg.GenerateShare(Secrets[0], 3));

        var rtg = new GaloisKeyProtocol(Session);
        var g3 = Enumerable.Range(0, 3).Select(i => rtg.GenerateShare(Secrets[i], i, 3)).ToArray();
        var g5 = rtg.GenerateShare(Secrets[2], 2, 5);
        Assert.Equal(ShareMismatch.GaloisElement, Assert.Throws<ShareMismatchException>(() => rtg.Combine([[g3[0], g3[1], g5]])).Reason);
        Assert.Throws<ArgumentException>(() => rtg.Combine([g3, g3]));
        Assert.Throws<ArgumentException>(() => rtg.GenerateShare(Secrets[0], 0, 4));
        Assert.Equal(ShareMismatch.Kind, Assert.Throws<ShareMismatchException>(() => rtg.Combine([[g3[0], g3[1], shares[2]]])).Reason);
    }

    [Fact]
    public void Relinearization_round_two_is_bound_to_its_aggregate_and_needs_only_the_secret_key()
    {
        var rkg = new RelinKeyProtocol(Session);
        var roundOne = Enumerable.Range(0, 3).Select(i => rkg.GenerateRoundOne(Secrets[i], i)).ToArray();
        var aggregate = rkg.AggregateRoundOne(roundOne);
        Assert.Equal(Share.AggregateParty, aggregate.Party);
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => rkg.GenerateRoundTwo(Secrets[0], 0, roundOne[0])).Reason);

        // Round two runs on the reloaded aggregate with a reloaded secret key, as in a separate process.
        aggregate = Load(Save(aggregate), ShareKind.RelinearizationRoundOne);
        var roundTwo = Enumerable.Range(0, 3).Select(i => rkg.GenerateRoundTwo(Reload(Secrets[i]), i, aggregate)).ToArray();
        var keys = rkg.Combine(aggregate, roundTwo);
        Assert.Equal(Session.Parameters.FirstLevel.PrimeCount, keys.SquareKey!.PartCount);

        var otherSession = new MultipartySession(Ceremony.Parameters, CommonReference.CreateRandom(), 3);
        var otherRkg = new RelinKeyProtocol(otherSession);
        var otherAggregate = otherRkg.AggregateRoundOne(Enumerable.Range(0, 3).Select(i => otherRkg.GenerateRoundOne(Secrets[i], i)).ToArray());
        Assert.Equal(ShareMismatch.Session, Assert.Throws<ShareMismatchException>(() => rkg.Combine(otherAggregate, roundTwo)).Reason);
        var tampered = rkg.AggregateRoundOne([roundOne[0], roundOne[1], rkg.GenerateRoundOne(Secrets[0], 2)]);
        Assert.Equal(ShareMismatch.Target, Assert.Throws<ShareMismatchException>(() => rkg.Combine(tampered, roundTwo)).Reason);

        // The relinearization key works: x² relinearized under it decrypts under Σ s_i.
        using var collective = Ceremony.SumOfSecrets(Ceremony.Parameters, Secrets);
        var ckg = new PublicKeyProtocol(Session);
        var pk = ckg.Combine(Enumerable.Range(0, 3).Select(i => ckg.GenerateShare(Secrets[i], i)).ToArray());
        var encoder = new Encoder(Ceremony.Parameters);
        var evaluator = new Evaluator(Ceremony.Parameters);
        var plain = new Plaintext();
        encoder.Encode([0.5, -0.25, 0.75], Ceremony.Scale, plain);
        var ct = new Ciphertext();
        new Encryptor(Ceremony.Parameters, pk).Encrypt(plain, ct);
        evaluator.SquareInplace(ct);
        evaluator.RelinearizeInplace(ct, keys);
        evaluator.RescaleToNextInplace(ct);
        new Decryptor(Ceremony.Parameters, collective).Decrypt(ct, plain);
        var decoded = new List<double>();
        encoder.Decode(plain, decoded);
        Assert.Equal(0.25, decoded[0], 1e-6);
        Assert.Equal(0.0625, decoded[1], 1e-6);
        Assert.Equal(0.5625, decoded[2], 1e-6);
    }

    [Fact]
    public void A_party_asked_twice_for_the_same_step_sends_the_same_share_and_a_new_step_gets_fresh_randomness()
    {
        var ckg = new PublicKeyProtocol(Session);
        Assert.Equal(Save(ckg.GenerateShare(Secrets[0], 0)), Save(ckg.GenerateShare(Reload(Secrets[0]), 0)));
        var rtg = new GaloisKeyProtocol(Session);
        Assert.Equal(Save(rtg.GenerateShare(Secrets[1], 1, 3)), Save(rtg.GenerateShare(Secrets[1], 1, 3)));
        var rkg = new RelinKeyProtocol(Session);
        Assert.Equal(Save(rkg.GenerateRoundOne(Secrets[2], 2)), Save(rkg.GenerateRoundOne(Secrets[2], 2)));

        using var ceremony = new Ceremony(3, 3, []);
        var ct = ceremony.Encrypt(Ceremony.Values(9, 16));
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        var first = pcks.GenerateShare(ceremony.Secrets[0], 0, ct, ceremony.QuerierKey);
        Assert.Equal(Save(first), Save(pcks.GenerateShare(ceremony.Secrets[0], 0, ct, ceremony.QuerierKey)));

        // Another ciphertext, another session or another party: the noise differs (the masked part too, so the
        // difference of two shares is not a clean difference of messages).
        var other = pcks.GenerateShare(ceremony.Secrets[0], 0, ceremony.Encrypt(Ceremony.Values(9, 16)), ceremony.QuerierKey);
        Assert.NotEqual(first.Data, other.Data);
        var otherSession = new MultipartySession(Ceremony.Parameters, CommonReference.CreateRandom(), 3);
        Assert.NotEqual(ckg.GenerateShare(Secrets[0], 0).Data, new PublicKeyProtocol(otherSession).GenerateShare(Secrets[0], 0).Data);
        Assert.NotEqual(ckg.GenerateShare(Secrets[0], 0).Data, ckg.GenerateShare(Secrets[0], 1).Data);
    }

    private static SecretKey Reload(SecretKey secret)
    {
        using var stream = new MemoryStream();
        secret.Save(stream);
        stream.Position = 0;
        var loaded = new SecretKey();
        loaded.Load(Ceremony.Parameters, stream);
        return loaded;
    }

    private static Share Load(byte[] bytes, ShareKind kind) => Share.Load(Session, kind, new MemoryStream(bytes));

    private static byte[] Save(Share share, CompressionMode compression = CompressionMode.None)
    {
        using var stream = new MemoryStream();
        share.Save(stream, compression);
        return stream.ToArray();
    }

    private static byte[] Mutate(byte[] bytes, Action<byte[]> change)
    {
        var copy = (byte[])bytes.Clone();
        change(copy);
        return copy;
    }

    private static void AssertFormat(byte[] bytes, string what, ShareKind kind = ShareKind.GaloisKey)
    {
        var error = Record.Exception(() => Load(bytes, kind));
        Assert.True(error is SealFormatException, $"{what}: {error?.GetType().Name ?? "accepted"} {error?.Message}");
    }

    private static void AssertSame(Share expected, Share actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Party, actual.Party);
        Assert.Equal(expected.GaloisElement, actual.GaloisElement);
        Assert.Equal(expected.ParmsId, actual.ParmsId);
        Assert.Equal(expected.SessionId.ToArray(), actual.SessionId.ToArray());
        Assert.Equal(expected.Target.ToArray(), actual.Target.ToArray());
        Assert.Equal(expected.Data, actual.Data);
    }
}
