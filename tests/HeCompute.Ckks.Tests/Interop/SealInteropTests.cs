using HeCompute.Lattice.Serialization;
using System.Text.Json;

namespace HeCompute.Ckks.Tests.Interop;

/// <summary>
/// Cross-engine tests against Microsoft SEAL itself (node-seal 7.0.0 = SEAL 4.1 in WebAssembly): SEAL and this engine
/// read each other's parameters, keys and ciphertexts, and each decrypts what the other computed.
/// </summary>
public sealed class SealInteropTests : IDisposable
{
    private const double Scale = 1099511627776.0; // 2^40
    private readonly string _dir = Directory.CreateTempSubdirectory("hecompute-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static double[] Values(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
    }

    private Parameters LoadSealContext(out ParametersLiteral parms)
    {
        using (var stream = File.OpenRead(PathOf("parms.bin")))
        {
            parms = ParametersLiteral.Load(stream);
        }

        return Parameters.Create(parms);
    }

    private static void LoadFile(string path, Func<Stream, long> load)
    {
        using var stream = File.OpenRead(path);
        load(stream);
    }

    private static void SaveFile(string path, Func<Stream, long> save)
    {
        using var stream = File.Create(path);
        save(stream);
    }

    private static double[] Real(JsonElement result) => result.GetProperty("real").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static double[] Imag(JsonElement result) => result.GetProperty("imag").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        var worst = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= tolerance, $"largest error {worst:E3} exceeds {tolerance:E1}");
    }

    private static double[] DecodeReal(Parameters context, SecretKey secretKey, Ciphertext ct)
    {
        var plain = new Plaintext();
        new Decryptor(context, secretKey).Decrypt(ct, plain);
        var values = new List<double>();
        new Encoder(context).Decode(plain, values);
        return [.. values];
    }

    [Theory]
    [InlineData("public", "none")]
    [InlineData("symmetric", "zlib")]
    [InlineData("symmetric-seeded", "zstd")]
    public void SealEncrypts_WeLoadItsSecretKeyAndCiphertextAndDecrypt(string mode, string compr)
    {
        NodeSeal.Run("keygen", new { dir = _dir, n = 8192, bits = new[] { 60, 40, 40, 60 }, galois = false, relin = false, compr });
        var values = Values(1, 4096);
        NodeSeal.Run("encrypt", new { dir = _dir, real = values, scale = Scale, @out = "ct.bin", mode, compr });

        var context = LoadSealContext(out _);
        using var secretKey = new SecretKey();
        LoadFile(PathOf("secret.bin"), s => secretKey.Load(context, s));
        var ct = new Ciphertext();
        LoadFile(PathOf("ct.bin"), s => ct.Load(context, s));
        Assert.Equal(Scale, ct.Scale);
        AssertClose(values, DecodeReal(context, secretKey, ct), 1e-5);
    }

    [Theory]
    [InlineData(false, "none")]
    [InlineData(true, "zstd")]
    public void WeEncrypt_SealDecrypts(bool seededSymmetric, string compr)
    {
        var parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        var context = Parameters.Create(parms);
        var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var mode = compr == "zstd" ? CompressionMode.Zstd : CompressionMode.None;
        SaveFile(PathOf("parms.bin"), s => parms.Save(s, mode));
        SaveFile(PathOf("secret.bin"), s => keygen.SecretKey.Save(s, mode));
        SaveFile(PathOf("public.bin"), s => publicKey.Save(s, mode));

        var values = Values(2, 4096);
        var encoder = new Encoder(context);
        var plain = new Plaintext();
        encoder.Encode(values, Scale, plain);
        var encryptor = new Encryptor(context, publicKey, keygen.SecretKey);
        if (seededSymmetric)
        {
            SaveFile(PathOf("ct.bin"), s => encryptor.EncryptSymmetric(plain).Save(s, mode));
        }
        else
        {
            var ct = new Ciphertext();
            encryptor.Encrypt(plain, ct);
            SaveFile(PathOf("ct.bin"), s => ct.Save(s, mode));
        }

        var result = NodeSeal.Run("decrypt", new { dir = _dir, @in = "ct.bin" });
        AssertClose(values, Real(result), 1e-5);

        // SEAL also encrypts with our public key, and we decrypt.
        var sealValues = Values(3, 100);
        NodeSeal.Run("encrypt", new { dir = _dir, real = sealValues, scale = Scale, @out = "ct2.bin", mode = "public" });
        var sealCt = new Ciphertext();
        LoadFile(PathOf("ct2.bin"), s => sealCt.Load(context, s));
        AssertClose(sealValues, DecodeReal(context, keygen.SecretKey, sealCt)[..100], 1e-5);
    }

    [Fact]
    public void SealSeededEvaluationKeysDriveOurEvaluator_SealDecryptsTheResults()
    {
        int[] steps = [1, 2, -1, -3, 7, 100];
        NodeSeal.Run("keygen", new { dir = _dir, n = 8192, bits = new[] { 60, 40, 40, 60 }, seeded = true, steps = steps.Append(0).ToArray() });
        var a = Values(4, 4096);
        var b = Values(5, 4096);
        NodeSeal.Run("encrypt", new { dir = _dir, real = a, scale = Scale, @out = "a.bin", mode = "public" });
        NodeSeal.Run("encrypt", new { dir = _dir, real = b, scale = Scale, @out = "b.bin", mode = "symmetric-seeded" });

        var context = LoadSealContext(out _);
        var relinKeys = new RelinKeys();
        LoadFile(PathOf("relin.bin"), s => relinKeys.Load(context, s));
        var galoisKeys = new GaloisKeys();
        LoadFile(PathOf("galois.bin"), s => galoisKeys.Load(context, s));
        var ca = new Ciphertext();
        var cb = new Ciphertext();
        LoadFile(PathOf("a.bin"), s => ca.Load(context, s));
        LoadFile(PathOf("b.bin"), s => cb.Load(context, s));

        var evaluator = new Evaluator(context);
        var product = new Ciphertext();
        evaluator.Multiply(ca, cb, product);
        evaluator.RelinearizeInplace(product, relinKeys);
        evaluator.RescaleToNextInplace(product);
        SaveFile(PathOf("product.bin"), s => product.Save(s, CompressionMode.None));
        var expectedProduct = a.Zip(b, (x, y) => x * y).ToArray();
        AssertClose(expectedProduct, Real(NodeSeal.Run("decrypt", new { dir = _dir, @in = "product.bin" })), 1e-4);

        foreach (var step in steps)
        {
            var rotated = new Ciphertext();
            evaluator.RotateVector(product, step, galoisKeys, rotated);
            SaveFile(PathOf("rotated.bin"), s => rotated.Save(s, CompressionMode.Zstd));
            var expected = Enumerable.Range(0, 4096).Select(i => expectedProduct[(((i + step) % 4096) + 4096) % 4096]).ToArray();
            AssertClose(expected, Real(NodeSeal.Run("decrypt", new { dir = _dir, @in = "rotated.bin" })), 1e-4);
        }

        // Conjugation: put an imaginary part in with SEAL, conjugate here, SEAL sees it negated.
        var imag = Values(6, 4096);
        NodeSeal.Run("encrypt", new { dir = _dir, real = a, imag, scale = Scale, @out = "c.bin", mode = "public" });
        var cc = new Ciphertext();
        LoadFile(PathOf("c.bin"), s => cc.Load(context, s));
        evaluator.ComplexConjugateInplace(cc, galoisKeys);
        SaveFile(PathOf("conj.bin"), s => cc.Save(s, CompressionMode.Zlib));
        var conj = NodeSeal.Run("decrypt", new { dir = _dir, @in = "conj.bin" });
        AssertClose(a, Real(conj), 1e-4);
        AssertClose(imag.Select(x => -x).ToArray(), Imag(conj), 1e-4);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OurEvaluationKeysDriveSealsEvaluator(bool seeded)
    {
        var parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        var context = Parameters.Create(parms);
        var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        SaveFile(PathOf("parms.bin"), s => parms.Save(s, CompressionMode.None));
        SaveFile(PathOf("secret.bin"), s => keygen.SecretKey.Save(s, CompressionMode.None));
        int[] steps = [1, -2, 5];
        if (seeded)
        {
            SaveFile(PathOf("relin.bin"), s => keygen.CreateSeededRelinKeys().Save(s, CompressionMode.None));
            SaveFile(PathOf("galois.bin"), s => keygen.CreateSeededGaloisKeys(steps.Append(0)).Save(s, CompressionMode.Zstd));
        }
        else
        {
            var relin = keygen.CreateRelinKeys();
            var galois = keygen.CreateGaloisKeys(steps.Append(0));
            SaveFile(PathOf("relin.bin"), s => relin.Save(s, CompressionMode.None));
            SaveFile(PathOf("galois.bin"), s => galois.Save(s, CompressionMode.None));
        }

        var a = Values(7, 4096);
        var b = Values(8, 4096);
        var encoder = new Encoder(context);
        var encryptor = new Encryptor(context, publicKey);
        foreach (var (name, values) in new[] { ("a.bin", a), ("b.bin", b) })
        {
            var plain = new Plaintext();
            encoder.Encode(values, Scale, plain);
            var ct = new Ciphertext();
            encryptor.Encrypt(plain, ct);
            SaveFile(PathOf(name), s => ct.Save(s, CompressionMode.None));
        }

        foreach (var step in steps)
        {
            NodeSeal.Run("eval", new { dir = _dir, @in = "a.bin", in2 = "b.bin", ops = new object[] { "multiply", "relinearize", "rescale", new { rotate = step } }, @out = "r.bin" });
            var expected = Enumerable.Range(0, 4096).Select(i => a[(((i + step) % 4096) + 4096) % 4096] * b[(((i + step) % 4096) + 4096) % 4096]).ToArray();
            AssertClose(expected, Real(NodeSeal.Run("decrypt", new { dir = _dir, @in = "r.bin" })), 1e-4);
            var ours = new Ciphertext();
            LoadFile(PathOf("r.bin"), s => ours.Load(context, s));
            AssertClose(expected, DecodeReal(context, keygen.SecretKey, ours), 1e-4);
        }

        NodeSeal.Run("eval", new { dir = _dir, @in = "a.bin", ops = new object[] { "conjugate" }, @out = "c.bin" });
        AssertClose(a, Real(NodeSeal.Run("decrypt", new { dir = _dir, @in = "c.bin" })), 1e-4);
    }

    public static TheoryData<int, int[]> Chains => new()
    {
        { 4096, [36, 36, 37] },
        { 4096, [30, 20, 20, 30] },
        { 8192, [60, 40, 40, 60] },
        { 8192, [50, 30, 30, 30, 50] },
        { 16384, [60, 40, 40, 40, 40, 40, 40, 60] },
        { 16384, [50, 50, 50, 50, 50, 50, 50, 50] },
        { 32768, [60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60] },
        { 32768, [60, 50, 50, 50, 50, 50, 50, 50, 50, 60] },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void ParmsIdsAndPrimesEqualSeals(int n, int[] bits)
    {
        var seal = NodeSeal.Run("context", new { n, bits });
        var parms = new ParametersLiteral(n, CoeffModulus.Create(n, bits));
        var primes = parms.CoefficientPrimes.Select(q => q.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(seal.GetProperty("primes").EnumerateArray().Select(e => e.GetString()!).ToArray(), primes);
        var context = Parameters.Create(parms);
        var ours = new List<string>();
        for (var level = context.KeyLevel; level is not null; level = level.Next)
        {
            ours.Add(level.ParmsId.ToString());
        }

        Assert.Equal(seal.GetProperty("parmsIds").EnumerateArray().Select(e => e.GetString()!).ToArray(), ours);
    }

    /// <summary>
    /// A SEAL object loaded and saved again here (no compression) is byte-identical: to SEAL's file for full objects,
    /// and to SEAL's own load-and-save for seeded ones (loading expands the seed, in SEAL as here).
    /// </summary>
    [Fact]
    public void SealObjectsLoadedAndSavedAgainAreByteIdentical()
    {
        NodeSeal.Run("keygen", new { dir = _dir, n = 8192, bits = new[] { 60, 40, 40, 60 }, steps = new[] { 1, -1 } });
        NodeSeal.Run("encrypt", new { dir = _dir, real = Values(9, 64), scale = Scale, @out = "ct.bin", mode = "public" });
        NodeSeal.Run("encode", new { dir = _dir, real = Values(10, 64), scale = Scale, @out = "pt.bin" });
        NodeSeal.Run("encrypt", new { dir = _dir, real = Values(11, 64), scale = Scale, @out = "seeded.bin", mode = "symmetric-seeded" });
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "ciphertext", @in = "seeded.bin", @out = "seeded-seal.bin" });

        var context = LoadSealContext(out var parms);
        AssertResaved(PathOf("parms.bin"), PathOf("parms.bin"), s => ParametersLiteral.Load(s).Save);
        AssertResaved(PathOf("secret.bin"), PathOf("secret.bin"), s => { var k = new SecretKey(); k.Load(context, s); return k.Save; });
        AssertResaved(PathOf("public.bin"), PathOf("public.bin"), s => { var k = new PublicKey(); k.Load(context, s); return k.Save; });
        AssertResaved(PathOf("relin.bin"), PathOf("relin.bin"), s => { var k = new RelinKeys(); k.Load(context, s); return k.Save; });
        AssertResaved(PathOf("galois.bin"), PathOf("galois.bin"), s => { var k = new GaloisKeys(); k.Load(context, s); return k.Save; });
        AssertResaved(PathOf("ct.bin"), PathOf("ct.bin"), s => { var c = new Ciphertext(); c.Load(context, s); return c.Save; });
        AssertResaved(PathOf("pt.bin"), PathOf("pt.bin"), s => { var p = new Plaintext(); p.Load(context, s); return p.Save; });
        AssertResaved(PathOf("seeded.bin"), PathOf("seeded-seal.bin"), s => { var c = new Ciphertext(); c.Load(context, s); return c.Save; });
        Assert.Equal(parms.ParmsId, context.KeyParmsId);
    }

    /// <summary>SEAL's seeded relinearization keys expand to exactly the words SEAL's own load produces.</summary>
    [Fact]
    public void SeededKeysExpandExactlyAsSealExpandsThem()
    {
        NodeSeal.Run("keygen", new { dir = _dir, n = 4096, bits = new[] { 36, 36, 37 }, seeded = true, steps = new[] { 1 } });
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "relinkeys", @in = "relin.bin", @out = "relin-seal.bin" });
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "galoiskeys", @in = "galois.bin", @out = "galois-seal.bin" });
        var context = LoadSealContext(out _);
        AssertResaved(PathOf("relin.bin"), PathOf("relin-seal.bin"), s => { var k = new RelinKeys(); k.Load(context, s); return k.Save; });
        AssertResaved(PathOf("galois.bin"), PathOf("galois-seal.bin"), s => { var k = new GaloisKeys(); k.Load(context, s); return k.Save; });
    }

    private static void AssertResaved(string input, string expectedPath, Func<Stream, Func<Stream, CompressionMode?, long>> load)
    {
        Func<Stream, CompressionMode?, long> save;
        using (var stream = File.OpenRead(input))
        {
            save = load(stream);
        }

        using var output = new MemoryStream();
        save(output, CompressionMode.None);
        var expected = File.ReadAllBytes(expectedPath);
        Assert.True(expected.AsSpan().SequenceEqual(output.ToArray()), $"{Path.GetFileName(input)}: re-saved bytes differ from {Path.GetFileName(expectedPath)} ({output.Length} vs {expected.Length} bytes)");
    }

    [Fact]
    public void SealRejectsNothingWeWriteInAnyCompressionMode()
    {
        var parms = new ParametersLiteral(4096, CoeffModulus.Create(4096, [36, 36, 37]));
        var context = Parameters.Create(parms);
        var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var relinKeys = keygen.CreateRelinKeys();
        var galoisKeys = keygen.CreateGaloisKeys([1]);
        SaveFile(PathOf("parms.bin"), s => parms.Save(s, CompressionMode.None));
        var encoder = new Encoder(context);
        var plain = new Plaintext();
        encoder.Encode(new[] { 0.5, -0.25 }, 1 << 20, plain);
        var ct = new Ciphertext();
        new Encryptor(context, publicKey).Encrypt(plain, ct);
        var objects = new (string Kind, Func<Stream, CompressionMode?, long> Save)[]
        {
            ("parms", parms.Save), ("secretkey", keygen.SecretKey.Save), ("publickey", publicKey.Save),
            ("relinkeys", relinKeys.Save), ("galoiskeys", galoisKeys.Save), ("ciphertext", ct.Save), ("plaintext", plain.Save),
        };
        foreach (var mode in new[] { CompressionMode.None, CompressionMode.Zlib, CompressionMode.Zstd })
        {
            foreach (var (kind, save) in objects)
            {
                var file = $"{kind}-{mode}.bin";
                SaveFile(PathOf(file), s => save(s, mode));
                var result = NodeSeal.Run("roundtrip", new { dir = _dir, kind, @in = file });
                Assert.Equal(new FileInfo(PathOf(file)).Length, result.GetProperty("bytesIn").GetInt64());
            }
        }

    }
}
