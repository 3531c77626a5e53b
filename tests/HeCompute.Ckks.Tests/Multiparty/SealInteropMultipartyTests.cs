using System.Text.Json;
using HeCompute.Ckks.Tests.Interop;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Multiparty;

/// <summary>
/// Microsoft SEAL (node-seal 7.0.0 = SEAL 4.1) evaluates under collective keys: it loads the collective public,
/// relinearization and Galois keys with its validating loaders, encrypts under the collective public key, multiplies,
/// relinearizes and rotates with its own evaluator; the parties release SEAL's result to a querier, and both this
/// engine and SEAL decrypt the release with the querier's key to the right values.
/// </summary>
public sealed class SealInteropMultipartyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hecompute-mhe-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(3, 3)]
    [InlineData(5, 3)]
    public void Seal_computes_under_collective_keys_and_the_parties_release_its_result(int parties, int threshold)
    {
        int[] steps = [1, -1, 4];
        using var ceremony = new Ceremony(parties, threshold, steps);
        Save("parms.bin", s => Ceremony.Parameters.Save(s, CompressionMode.None));
        Save("public.bin", s => ceremony.PublicKey.Save(s, CompressionMode.Zstd));
        Save("relin.bin", s => ceremony.RelinKeys.Save(s, CompressionMode.None));
        Save("galois.bin", s => ceremony.GaloisKeys.Save(s, CompressionMode.Zlib));

        var loaded = NodeSeal.Run("roundtrip", new { dir = _dir, kind = "galoiskeys", @in = "galois.bin" });
        Assert.Equal(steps.Length, loaded.GetProperty("keyCount").GetInt32());
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "relinkeys", @in = "relin.bin" });
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "publickey", @in = "public.bin" });

        var a = Ceremony.Values(21, 128);
        var b = Ceremony.Values(22, 128);
        NodeSeal.Run("encrypt", new { dir = _dir, real = a, scale = Ceremony.Scale, @out = "a.bin", mode = "public" });
        NodeSeal.Run("encrypt", new { dir = _dir, real = b, scale = Ceremony.Scale, @out = "b.bin", mode = "public" });
        var active = threshold < parties ? new[] { 1, 2, 4 } : null;
        var slots = ceremony.Encoder.SlotCount;
        foreach (var step in steps)
        {
            NodeSeal.Run("eval", new { dir = _dir, @in = "a.bin", in2 = "b.bin", ops = new object[] { "multiply", "relinearize", "rescale", new { rotate = step } }, @out = "r.bin" });
            var fromSeal = Load("r.bin");
            var product = a.Zip(b, (x, y) => x * y).Concat(new double[slots - a.Length]).ToArray();
            var expected = Enumerable.Range(0, slots).Select(i => product[((i + step) % slots + slots) % slots]).ToArray();

            var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
            var released = pcks.Combine(fromSeal, ceremony.QuerierKey, ceremony.DecryptionShares(pcks, fromSeal, active), active);
            var bound = ceremony.ReleaseBound(fromSeal, active?.Length ?? parties);
            AssertClose(expected, ceremony.QuerierDecrypt(released), bound, $"step {step}, this engine decrypting");

            Save("released.bin", s => released.Save(s, CompressionMode.None));
            using var querierSecret = ceremony.Querier.SecretKey;
            Save("querier-secret.bin", s => querierSecret.Save(s, CompressionMode.None));
            var sealDecrypted = NodeSeal.Run("decrypt", new { dir = _dir, @in = "released.bin", secretKey = "querier-secret.bin" });
            AssertClose(expected, Real(sealDecrypted), bound, $"step {step}, SEAL decrypting");
        }
    }

    private void Save(string name, Func<Stream, long> save)
    {
        using var stream = File.Create(Path.Combine(_dir, name));
        save(stream);
    }

    private Ciphertext Load(string name)
    {
        using var stream = File.OpenRead(Path.Combine(_dir, name));
        var ct = new Ciphertext();
        ct.Load(Ceremony.Parameters, stream);
        return ct;
    }

    private static double[] Real(JsonElement result) => result.GetProperty("real").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double bound, string what)
    {
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound, $"{what}: slot {i} is {actual[i]}, expected {expected[i]} (bound {bound})");
        }
    }
}
