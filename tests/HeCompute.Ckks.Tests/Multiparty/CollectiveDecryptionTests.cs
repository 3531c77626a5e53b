using HeCompute.Lattice.Multiparty;

namespace HeCompute.Lattice.Tests.Multiparty;

/// <summary>
/// Collective decryption: all N (or any t) parties release to the querier; fewer parties, or anyone but the querier,
/// get noise far above the message.
/// </summary>
public sealed class CollectiveDecryptionTests
{
    /// <summary>Values are in [−1, 1]; "noise" means a median error above 1000 times that.</summary>
    private const double NoiseFloor = 1000;

    [Fact]
    public void With_one_share_missing_the_release_is_noise_and_the_combiner_refuses_it()
    {
        using var ceremony = new Ceremony(3, 3, []);
        var values = Ceremony.Values(4, ceremony.Encoder.SlotCount);
        var ct = ceremony.Encrypt(values);
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        var shares = ceremony.DecryptionShares(pcks, ct, null);

        var full = ceremony.QuerierDecrypt(pcks.Combine(ct, ceremony.QuerierKey, shares));
        Assert.True(MaxError(values, full) <= ceremony.ReleaseBound(ct, 3));

        var missing = Assert.Throws<ShareMismatchException>(() => pcks.Combine(ct, ceremony.QuerierKey, shares[..2]));
        Assert.Equal(ShareMismatch.Incomplete, missing.Reason);

        foreach (var subset in new[] { shares[..2], shares[1..], new[] { shares[0], shares[2] }, shares[..1] })
        {
            var partial = Share.SumUnchecked(ceremony.Session, subset, ShareKind.PublicKeySwitch, subset[0].Level, 0, subset[0].Target);
            var decrypted = ceremony.QuerierDecrypt(PublicKeySwitchProtocol.Apply(ct, partial));
            Assert.True(MedianError(values, decrypted) > NoiseFloor, $"{subset.Length} shares: median error {MedianError(values, decrypted)}");
        }
    }

    [Fact]
    public void Only_the_querier_decrypts_the_release()
    {
        using var ceremony = new Ceremony(3, 3, []);
        var values = Ceremony.Values(5, ceremony.Encoder.SlotCount);
        var ct = ceremony.Encrypt(values);
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        var released = pcks.Combine(ct, ceremony.QuerierKey, ceremony.DecryptionShares(pcks, ct, null));

        using var collective = ceremony.CollectiveSecret();
        Assert.True(MaxError(values, ceremony.Decrypt(ct, collective)) < 1e-6);
        Assert.True(MedianError(values, ceremony.Decrypt(released, collective)) > NoiseFloor);
        foreach (var secret in ceremony.Secrets)
        {
            Assert.True(MedianError(values, ceremony.Decrypt(ct, secret)) > NoiseFloor);
            Assert.True(MedianError(values, ceremony.Decrypt(released, secret)) > NoiseFloor);
        }
    }

    [Fact]
    public void A_share_is_bound_to_its_ciphertext_querier_and_active_set()
    {
        using var ceremony = new Ceremony(3, 3, []);
        var ct = ceremony.Encrypt(Ceremony.Values(6, 16));
        var other = ceremony.Encrypt(Ceremony.Values(7, 16));
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        var shares = ceremony.DecryptionShares(pcks, ct, null);

        Assert.Equal(ShareMismatch.Target, Assert.Throws<ShareMismatchException>(() => pcks.Combine(other, ceremony.QuerierKey, shares)).Reason);
        using var intruder = new KeyGenerator(Ceremony.Parameters);
        Assert.Equal(ShareMismatch.Target, Assert.Throws<ShareMismatchException>(() => pcks.Combine(ct, intruder.CreatePublicKey(), shares)).Reason);
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => pcks.Combine(ct, ceremony.QuerierKey, [shares[0], shares[1], shares[1]])).Reason);
        Assert.Throws<ArgumentException>(() => pcks.GenerateShare(ceremony.Secrets[0], 0, ct, ceremony.QuerierKey, [0, 1, 2]));

        var product = new Ciphertext();
        ceremony.Evaluator.Multiply(ct, ct, product);
        Assert.Throws<InvalidOperandException>(() => pcks.GenerateShare(ceremony.Secrets[0], 0, product, ceremony.QuerierKey));

        var otherSession = new MultipartySession(Ceremony.Parameters, CommonReference.CreateRandom(), 3);
        var foreign = new PublicKeySwitchProtocol(otherSession, Ceremony.Flooding).GenerateShare(ceremony.Secrets[2], 2, ct, ceremony.QuerierKey);
        Assert.Equal(ShareMismatch.Session, Assert.Throws<ShareMismatchException>(() => pcks.Combine(ct, ceremony.QuerierKey, [shares[0], shares[1], foreign])).Reason);
    }

    [Fact]
    public void Any_t_of_N_parties_release_and_t_minus_1_cannot()
    {
        using var ceremony = new Ceremony(5, 3, []);
        var values = Ceremony.Values(8, ceremony.Encoder.SlotCount);
        var ct = ceremony.Encrypt(values);
        using var collective = ceremony.CollectiveSecret();
        int[][] subsets = [[0, 1, 2], [1, 3, 4], [0, 2, 4], [2, 3, 4], [4, 0, 3]];
        foreach (var active in subsets)
        {
            var released = ceremony.Release(ct, active);
            Assert.True(MaxError(values, released) <= ceremony.ReleaseBound(ct, 3), $"parties {string.Join(",", active)}: {MaxError(values, released)}");
        }

        // Every one of the C(5,3) = 10 sets interpolates the collective secret exactly.
        var sets = from a in Enumerable.Range(0, 5) from b in Enumerable.Range(a + 1, 4 - a) from c in Enumerable.Range(b + 1, 4 - b) select new[] { a, b, c };
        foreach (var set in sets)
        {
            using var reconstructed = Interpolate(ceremony, set);
            Assert.Equal(collective.Data.Data.ToArray(), reconstructed.Data.Data.ToArray());
        }

        // t − 1 parties pooling everything they hold: their interpolation is not the key, and decrypts to noise.
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        foreach (var coalition in new[] { new[] { 0, 1 }, new[] { 2, 4 }, new[] { 3, 1 } })
        {
            using var guess = Interpolate(ceremony, coalition);
            Assert.NotEqual(collective.Data.Data.ToArray(), guess.Data.Data.ToArray());
            Assert.True(MedianError(values, ceremony.Decrypt(ct, guess)) > NoiseFloor);
            Assert.Throws<ArgumentException>(() => pcks.GenerateShare(ceremony.ThresholdSecrets![coalition[0]], coalition[0], ct, ceremony.QuerierKey, coalition));

            // Their shares with the weights of a t-set, summed, are a release with one share missing: noise.
            var withThird = coalition.Append(Enumerable.Range(0, 5).First(p => !coalition.Contains(p))).ToArray();
            var shares = coalition.Select(p => pcks.GenerateShare(ceremony.ThresholdSecrets![p], p, ct, ceremony.QuerierKey, withThird)).ToArray();
            var partial = Share.SumUnchecked(ceremony.Session, shares, ShareKind.PublicKeySwitch, shares[0].Level, 0, shares[0].Target);
            Assert.True(MedianError(values, ceremony.QuerierDecrypt(PublicKeySwitchProtocol.Apply(ct, partial))) > NoiseFloor);
        }
    }

    [Fact]
    public void Threshold_resharing_refuses_missing_repeated_and_misaddressed_shares()
    {
        var session = new MultipartySession(Ceremony.Parameters, CommonReference.CreateRandom(), 4, 2);
        var thresholdizer = new Thresholdizer(session);
        var secrets = Enumerable.Range(0, 4).Select(_ => { using var g = new KeyGenerator(Ceremony.Parameters); return g.SecretKey; }).ToArray();
        var sent = Enumerable.Range(0, 4).Select(i => thresholdizer.ShareSecret(secrets[i], i)).ToArray();
        Assert.All(sent, s => Assert.Equal([0, 1, 2, 3], s.Select(x => x.Recipient)));

        Assert.Equal(ShareMismatch.Incomplete, Assert.Throws<ShareMismatchException>(() => thresholdizer.CombineShares(1, sent[..3].Select(s => s[1]).ToArray())).Reason);
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => thresholdizer.CombineShares(1, [sent[0][1], sent[1][1], sent[2][1], sent[2][1]])).Reason);
        Assert.Equal(ShareMismatch.Party, Assert.Throws<ShareMismatchException>(() => thresholdizer.CombineShares(1, sent.Select(s => s[2]).ToArray())).Reason);
        Assert.Throws<InvalidOperationException>(() => new Thresholdizer(new MultipartySession(Ceremony.Parameters, CommonReference.CreateRandom(), 4)));
    }

    /// <summary>Σ_{j∈set} λ_j·s′_j with the Lagrange weights of <paramref name="set"/>.</summary>
    private static SecretKey Interpolate(Ceremony ceremony, int[] set)
    {
        var level = Ceremony.Parameters.KeyLevel;
        var words = level.CoeffModulusSize * level.N;
        var weighted = new SecretKey[set.Length];
        for (var i = 0; i < set.Length; i++)
        {
            var plain = new Plaintext((ulong)words) { ParmsId = level.ParmsId };
            Thresholdizer.WeightedSecret(level, ceremony.ThresholdSecrets![set[i]].Data.Data, set[i], set, plain.Data);
            weighted[i] = new SecretKey(plain);
        }

        return Ceremony.SumOfSecrets(Ceremony.Parameters, weighted);
    }

    private static double MaxError(IReadOnlyList<double> expected, IReadOnlyList<double> actual) =>
        expected.Select((v, i) => Math.Abs(v - actual[i])).Max();

    private static double MedianError(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        var errors = expected.Select((v, i) => Math.Abs(v - actual[i])).Order().ToArray();
        return errors[errors.Length / 2];
    }
}
