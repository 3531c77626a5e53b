using HeCompute.Lattice.Serialization;
using Core = HeCompute.Lattice.Rlwe;
using CoreCkks = HeCompute.Lattice.Ckks;

namespace HeCompute.Ckks.Tests.Facade;

/// <summary>
/// A SEALNet-style program (keygen, encrypt, multiply, relinearize, rescale, rotate, decode, save/load) and the same
/// program written against the core, fed the same inputs through SEAL-format bytes: every deterministic step gives
/// the same bytes and the same decoded values, so the SEALNet layer adds nothing to the computation.
/// </summary>
public sealed class FacadeCoreEquivalenceTests
{
    private static readonly double Scale = Math.Pow(2, 40);

    private static byte[] Bytes(Func<Stream, long> save)
    {
        using var stream = new MemoryStream();
        save(stream);
        return stream.ToArray();
    }

    private static void Load(byte[] bytes, Func<Stream, long> load)
    {
        using var stream = new MemoryStream(bytes);
        load(stream);
    }

    [Fact]
    public void SealNetProgramAndCoreProgramGiveTheSameBytesAndValues()
    {
        // The SEALNet program.
        using var parms = new EncryptionParameters(SchemeType.CKKS);
        parms.PolyModulusDegree = 8192;
        parms.CoeffModulus = CoeffModulus.Create(8192, new[] { 60, 40, 40, 60 });
        using var context = new SEALContext(parms);
        using var keygen = new KeyGenerator(context);
        using var secretKey = keygen.SecretKey;
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateRelinKeys(out var relinKeys);
        keygen.CreateGaloisKeys(new[] { 1, -3 }, out var galoisKeys);
        using var encoder = new CKKSEncoder(context);
        using var encryptor = new Encryptor(context, publicKey);
        using var evaluator = new Evaluator(context);
        using var decryptor = new Decryptor(context, secretKey);

        var random = new Random(11);
        var input = Enumerable.Range(0, (int)encoder.SlotCount).Select(_ => random.NextDouble() - 0.5).ToArray();
        using var plain = new Plaintext();
        encoder.Encode(input, Scale, plain);
        using var encrypted = new Ciphertext();
        encryptor.Encrypt(plain, encrypted);
        using var product = new Ciphertext();
        evaluator.Multiply(encrypted, encrypted, product);
        evaluator.RelinearizeInplace(product, relinKeys);
        evaluator.RescaleToNextInplace(product);
        using var rotated = new Ciphertext();
        evaluator.RotateVector(product, -3, galoisKeys, rotated);
        using var decrypted = new Plaintext();
        decryptor.Decrypt(rotated, decrypted);
        var facadeValues = new List<double>();
        encoder.Decode(decrypted, facadeValues);
        for (var i = 0; i < input.Length; i++)
        {
            var source = input[(i - 3 + input.Length) % input.Length];
            Assert.True(Math.Abs(facadeValues[i] - (source * source)) < 1e-5, $"slot {i}");
        }

        // The same program on the core, with its own parameters and the SEALNet program's keys and ciphertext read
        // from SEAL-format bytes.
        var parameters = Core.Parameters.Create(new Core.ParametersLiteral(8192, Core.CoeffModulus.Create(8192, [60, 40, 40, 60])));
        Assert.Equal(context.KeyParmsId.ToCore(), parameters.KeyParmsId);
        var coreSecret = new Core.SecretKey();
        Load(Bytes(s => secretKey.Save(s)), s => coreSecret.Load(parameters, s));

        var coreRelin = new Core.RelinKeys();
        Load(Bytes(s => relinKeys.Save(s)), s => coreRelin.Load(parameters, s));
        var coreGalois = new Core.GaloisKeys();
        Load(Bytes(s => galoisKeys.Save(s)), s => coreGalois.Load(parameters, s));
        var coreEncrypted = new Core.Ciphertext();
        Load(Bytes(s => encrypted.Save(s)), s => coreEncrypted.Load(parameters, s));

        var coreEncoder = new CoreCkks.Encoder(parameters);
        var corePlain = new Core.Plaintext();
        coreEncoder.Encode(input, Scale, corePlain);
        Assert.Equal(Bytes(s => plain.Save(s, ComprModeType.None)), Bytes(s => corePlain.Save(s, CompressionMode.None)));

        var coreEvaluator = new CoreCkks.Evaluator(parameters);
        var coreProduct = new Core.Ciphertext();
        coreEvaluator.Multiply(coreEncrypted, coreEncrypted, coreProduct);
        coreEvaluator.RelinearizeInplace(coreProduct, coreRelin);
        coreEvaluator.RescaleToNextInplace(coreProduct);
        Assert.Equal(Bytes(s => product.Save(s, ComprModeType.None)), Bytes(s => coreProduct.Save(s, CompressionMode.None)));
        var coreRotated = new Core.Ciphertext();
        coreEvaluator.RotateVector(coreProduct, -3, new Core.EvaluationKeySet(coreRelin, coreGalois), coreRotated);
        var rotatedBytes = Bytes(s => coreRotated.Save(s, CompressionMode.None));
        Assert.Equal(Bytes(s => rotated.Save(s, ComprModeType.None)), rotatedBytes);

        var coreDecrypted = new Core.Plaintext();
        new Core.Decryptor(parameters, coreSecret).Decrypt(coreRotated, coreDecrypted);
        var coreValues = new List<double>();
        coreEncoder.Decode(coreDecrypted, coreValues);
        Assert.Equal(facadeValues, coreValues);

        // And back: the core's result loads into the SEALNet layer and decrypts to the same values.
        using var loaded = new Ciphertext();
        Load(rotatedBytes, s => loaded.Load(context, s));
        decryptor.Decrypt(loaded, decrypted);
        var again = new List<double>();
        encoder.Decode(decrypted, again);
        Assert.Equal(facadeValues, again);
    }

    [Fact]
    public void SeededObjectsFromTheSealNetLayerLoadIntoTheCoreAndSaveAlike()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 4096 };
        parms.CoeffModulus = CoeffModulus.Create(4096, [36, 36, 37]);
        var context = new SEALContext(parms);
        using var keygen = new KeyGenerator(context);
        var seededRelin = Bytes(s => keygen.CreateRelinKeys().Save(s));
        var seededGalois = Bytes(s => keygen.CreateGaloisKeys([1, 5]).Save(s, ComprModeType.ZLIB));
        var plain = new Plaintext();
        new CKKSEncoder(context).Encode(new[] { 0.25, -0.5 }, Math.Pow(2, 30), plain);
        var seededCt = Bytes(s => new Encryptor(context, keygen.SecretKey).EncryptSymmetric(plain).Save(s));

        var parameters = context.Parameters;
        var facadeRelin = new RelinKeys();
        Load(seededRelin, s => facadeRelin.Load(context, s));
        var coreRelin = new Core.RelinKeys();
        Load(seededRelin, s => coreRelin.Load(parameters, s));
        Assert.Equal(Bytes(s => facadeRelin.Save(s, ComprModeType.None)), Bytes(s => coreRelin.Save(s, CompressionMode.None)));
        Assert.True(facadeRelin.HasKey(2));

        var facadeGalois = new GaloisKeys();
        Load(seededGalois, s => facadeGalois.Load(context, s));
        var coreGalois = new Core.GaloisKeys();
        Load(seededGalois, s => coreGalois.Load(parameters, s));
        Assert.Equal(Bytes(s => facadeGalois.Save(s, ComprModeType.None)), Bytes(s => coreGalois.Save(s, CompressionMode.None)));
        Assert.Equal(coreGalois.GaloisElements, facadeGalois.GaloisElements);
        Assert.Equal(2UL, facadeGalois.Size);

        var facadeCt = new Ciphertext();
        Load(seededCt, s => facadeCt.Load(context, s));
        var coreCt = new Core.Ciphertext();
        Load(seededCt, s => coreCt.Load(parameters, s));
        Assert.Equal(Bytes(s => facadeCt.Save(s, ComprModeType.None)), Bytes(s => coreCt.Save(s, CompressionMode.None)));
    }
}
