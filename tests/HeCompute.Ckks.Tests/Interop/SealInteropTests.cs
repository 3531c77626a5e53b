using System.Text.Json;
using HeCompute.Lattice.Serialization;
using Core = HeCompute.Lattice.Rlwe;
using CoreCkks = HeCompute.Lattice.Ckks;

namespace HeCompute.Ckks.Tests.Interop;

/// <summary>
/// Cross-engine tests against Microsoft SEAL itself (node-seal 7.0.0 = SEAL 4.1 in WebAssembly): SEAL and this engine
/// read each other's parameters, keys and ciphertexts, and each decrypts what the other computed. Written against the
/// SEALNet layer (as a SEALNet user would write them); where they check that layer against the core underneath, they
/// use the core directly and expect the same bytes.
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

    private SEALContext LoadSealContext(out EncryptionParameters parms)
    {
        parms = new EncryptionParameters();
        using (var stream = File.OpenRead(PathOf("parms.bin")))
        {
            parms.Load(stream);
        }

        var context = new SEALContext(parms);
        Assert.True(context.ParametersSet, context.ParameterErrorMessage());
        return context;
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

    private static double[] DecodeReal(SEALContext context, SecretKey secretKey, Ciphertext ct)
    {
        var plain = new Plaintext();
        new Decryptor(context, secretKey).Decrypt(ct, plain);
        var values = new List<double>();
        new CKKSEncoder(context).Decode(plain, values);
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
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        parms.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 40, 60]);
        var context = new SEALContext(parms);
        var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        var mode = compr == "zstd" ? ComprModeType.ZSTD : ComprModeType.None;
        SaveFile(PathOf("parms.bin"), s => parms.Save(s, mode));
        SaveFile(PathOf("secret.bin"), s => keygen.SecretKey.Save(s, mode));
        SaveFile(PathOf("public.bin"), s => publicKey.Save(s, mode));

        var values = Values(2, 4096);
        var encoder = new CKKSEncoder(context);
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

        // The core decrypts the same ciphertext with the key the SEALNet layer made.
        var corePlain = new Core.Plaintext();
        new Core.Decryptor(context.Parameters, keygen.SecretKey.Core).Decrypt(sealCt.Core, corePlain);
        var coreValues = new List<double>();
        new CoreCkks.Encoder(context.Parameters).Decode(corePlain, coreValues);
        AssertClose(sealValues, coreValues[..100], 1e-5);
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
        SaveFile(PathOf("product.bin"), s => product.Save(s, ComprModeType.None));
        var expectedProduct = a.Zip(b, (x, y) => x * y).ToArray();
        AssertClose(expectedProduct, Real(NodeSeal.Run("decrypt", new { dir = _dir, @in = "product.bin" })), 1e-4);

        foreach (var step in steps)
        {
            var rotated = new Ciphertext();
            evaluator.RotateVector(product, step, galoisKeys, rotated);
            SaveFile(PathOf("rotated.bin"), s => rotated.Save(s, ComprModeType.ZSTD));
            var expected = Enumerable.Range(0, 4096).Select(i => expectedProduct[(((i + step) % 4096) + 4096) % 4096]).ToArray();
            AssertClose(expected, Real(NodeSeal.Run("decrypt", new { dir = _dir, @in = "rotated.bin" })), 1e-4);
        }

        // Conjugation: put an imaginary part in with SEAL, conjugate here, SEAL sees it negated.
        var imag = Values(6, 4096);
        NodeSeal.Run("encrypt", new { dir = _dir, real = a, imag, scale = Scale, @out = "c.bin", mode = "public" });
        var cc = new Ciphertext();
        LoadFile(PathOf("c.bin"), s => cc.Load(context, s));
        evaluator.ComplexConjugateInplace(cc, galoisKeys);
        SaveFile(PathOf("conj.bin"), s => cc.Save(s, ComprModeType.ZLIB));
        var conj = NodeSeal.Run("decrypt", new { dir = _dir, @in = "conj.bin" });
        AssertClose(a, Real(conj), 1e-4);
        AssertClose(imag.Select(x => -x).ToArray(), Imag(conj), 1e-4);

        // The core evaluator, given the very objects the SEALNet layer holds, computes the same ciphertexts bit for bit.
        var coreEvaluator = new CoreCkks.Evaluator(context.Parameters);
        var coreProduct = new Core.Ciphertext();
        coreEvaluator.Multiply(ca.Core, cb.Core, coreProduct);
        coreEvaluator.RelinearizeInplace(coreProduct, relinKeys.Core);
        coreEvaluator.RescaleToNextInplace(coreProduct);
        AssertSameBytes(product.Save, o => coreProduct.Save(o, CompressionMode.None));
        var rotatedByFacade = new Ciphertext();
        evaluator.RotateVector(product, steps[^1], galoisKeys, rotatedByFacade);
        coreEvaluator.RotateVectorInplace(coreProduct, steps[^1], galoisKeys.Core);
        AssertSameBytes(rotatedByFacade.Save, o => coreProduct.Save(o, CompressionMode.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OurEvaluationKeysDriveSealsEvaluator(bool seeded)
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        parms.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 40, 60]);
        var context = new SEALContext(parms);
        var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        SaveFile(PathOf("parms.bin"), s => parms.Save(s, ComprModeType.None));
        SaveFile(PathOf("secret.bin"), s => keygen.SecretKey.Save(s, ComprModeType.None));
        int[] steps = [1, -2, 5];
        if (seeded)
        {
            SaveFile(PathOf("relin.bin"), s => keygen.CreateRelinKeys().Save(s, ComprModeType.None));
            SaveFile(PathOf("galois.bin"), s => keygen.CreateGaloisKeys(steps.Append(0)).Save(s, ComprModeType.ZSTD));
        }
        else
        {
            keygen.CreateRelinKeys(out var relin);
            keygen.CreateGaloisKeys(steps.Append(0), out var galois);
            SaveFile(PathOf("relin.bin"), s => relin.Save(s, ComprModeType.None));
            SaveFile(PathOf("galois.bin"), s => galois.Save(s, ComprModeType.None));
        }

        var a = Values(7, 4096);
        var b = Values(8, 4096);
        var encoder = new CKKSEncoder(context);
        var encryptor = new Encryptor(context, publicKey);
        foreach (var (name, values) in new[] { ("a.bin", a), ("b.bin", b) })
        {
            var plain = new Plaintext();
            encoder.Encode(values, Scale, plain);
            var ct = new Ciphertext();
            encryptor.Encrypt(plain, ct);
            SaveFile(PathOf(name), s => ct.Save(s, ComprModeType.None));
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
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = (ulong)n };
        parms.CoeffModulus = CoeffModulus.Create((ulong)n, bits);
        var primes = parms.CoeffModulus.Select(m => m.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(seal.GetProperty("primes").EnumerateArray().Select(e => e.GetString()!).ToArray(), primes);
        var context = new SEALContext(parms);
        var ours = new List<string>();
        for (var level = context.KeyContextData; level is not null; level = level.NextContextData)
        {
            // SEALNet prints a parms_id as four 16-digit words; the oracle (and the core) print its 32 wire bytes.
            Assert.Equal(string.Join(' ', level.ParmsId.Block.Select(w => w.ToString("X16", System.Globalization.CultureInfo.InvariantCulture))), level.ParmsId.ToString());
            ours.Add(level.ParmsId.ToCore().ToString());
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
        AssertResaved(PathOf("parms.bin"), PathOf("parms.bin"), s => { var p = new EncryptionParameters(); p.Load(s); return o => p.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("secret.bin"), PathOf("secret.bin"), s => { var k = new SecretKey(); k.Load(context, s); return o => k.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("public.bin"), PathOf("public.bin"), s => { var k = new PublicKey(); k.Load(context, s); return o => k.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("relin.bin"), PathOf("relin.bin"), s => { var k = new RelinKeys(); k.Load(context, s); return o => k.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("galois.bin"), PathOf("galois.bin"), s => { var k = new GaloisKeys(); k.Load(context, s); return o => k.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("ct.bin"), PathOf("ct.bin"), s => { var c = new Ciphertext(); c.Load(context, s); return o => c.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("pt.bin"), PathOf("pt.bin"), s => { var p = new Plaintext(); p.Load(context, s); return o => p.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("seeded.bin"), PathOf("seeded-seal.bin"), s => { var c = new Ciphertext(); c.Load(context, s); return o => c.Save(o, ComprModeType.None); });
        Assert.Equal(parms.ParmsId, context.KeyParmsId);

        // The core underneath reads and rewrites the same objects to the same bytes.
        var core = context.Parameters;
        AssertResaved(PathOf("parms.bin"), PathOf("parms.bin"), s => { var p = Core.ParametersLiteral.Load(s); return o => p.Save(o, CompressionMode.None); });
        AssertResaved(PathOf("secret.bin"), PathOf("secret.bin"), s => { var k = new Core.SecretKey(); k.Load(core, s); return o => k.Save(o, CompressionMode.None); });
        AssertResaved(PathOf("galois.bin"), PathOf("galois.bin"), s => { var k = new Core.GaloisKeys(); k.Load(core, s); return o => k.Save(o, CompressionMode.None); });
        AssertResaved(PathOf("seeded.bin"), PathOf("seeded-seal.bin"), s => { var c = new Core.Ciphertext(); c.Load(core, s); return o => c.Save(o, CompressionMode.None); });
        Assert.Equal(parms.ParmsId.ToCore(), core.KeyParmsId);
    }

    /// <summary>SEAL's seeded relinearization keys expand to exactly the words SEAL's own load produces.</summary>
    [Fact]
    public void SeededKeysExpandExactlyAsSealExpandsThem()
    {
        NodeSeal.Run("keygen", new { dir = _dir, n = 4096, bits = new[] { 36, 36, 37 }, seeded = true, steps = new[] { 1 } });
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "relinkeys", @in = "relin.bin", @out = "relin-seal.bin" });
        NodeSeal.Run("roundtrip", new { dir = _dir, kind = "galoiskeys", @in = "galois.bin", @out = "galois-seal.bin" });
        var context = LoadSealContext(out _);
        AssertResaved(PathOf("relin.bin"), PathOf("relin-seal.bin"), s => { var k = new RelinKeys(); k.Load(context, s); return o => k.Save(o, ComprModeType.None); });
        AssertResaved(PathOf("galois.bin"), PathOf("galois-seal.bin"), s => { var k = new GaloisKeys(); k.Load(context, s); return o => k.Save(o, ComprModeType.None); });
    }

    /// <summary>Loads <paramref name="input"/> with <paramref name="load"/>, which returns how to save the object uncompressed.</summary>
    private static void AssertResaved(string input, string expectedPath, Func<Stream, Func<Stream, long>> load)
    {
        Func<Stream, long> save;
        using (var stream = File.OpenRead(input))
        {
            save = load(stream);
        }

        using var output = new MemoryStream();
        save(output);
        var expected = File.ReadAllBytes(expectedPath);
        Assert.True(expected.AsSpan().SequenceEqual(output.ToArray()), $"{Path.GetFileName(input)}: re-saved bytes differ from {Path.GetFileName(expectedPath)} ({output.Length} vs {expected.Length} bytes)");
    }

    private static void AssertSameBytes(Func<Stream, ComprModeType?, long> facadeSave, Func<Stream, long> coreSave)
    {
        using var facade = new MemoryStream();
        using var core = new MemoryStream();
        facadeSave(facade, ComprModeType.None);
        coreSave(core);
        Assert.True(facade.ToArray().AsSpan().SequenceEqual(core.ToArray()), $"the SEALNet layer wrote {facade.Length} bytes that differ from the core's {core.Length}");
    }

    [Fact]
    public void SealRejectsNothingWeWriteInAnyCompressionMode()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 4096 };
        parms.CoeffModulus = CoeffModulus.Create(4096, [36, 36, 37]);
        var context = new SEALContext(parms);
        var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateRelinKeys(out var relinKeys);
        keygen.CreateGaloisKeys([1], out var galoisKeys);
        SaveFile(PathOf("parms.bin"), s => parms.Save(s, ComprModeType.None));
        var encoder = new CKKSEncoder(context);
        var plain = new Plaintext();
        encoder.Encode(new[] { 0.5, -0.25 }, 1 << 20, plain);
        var ct = new Ciphertext();
        new Encryptor(context, publicKey).Encrypt(plain, ct);
        var objects = new (string Kind, Func<Stream, ComprModeType?, long> Save)[]
        {
            ("parms", parms.Save), ("secretkey", keygen.SecretKey.Save), ("publickey", publicKey.Save),
            ("relinkeys", relinKeys.Save), ("galoiskeys", galoisKeys.Save), ("ciphertext", ct.Save), ("plaintext", plain.Save),
        };
        foreach (var mode in new[] { ComprModeType.None, ComprModeType.ZLIB, ComprModeType.ZSTD })
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
