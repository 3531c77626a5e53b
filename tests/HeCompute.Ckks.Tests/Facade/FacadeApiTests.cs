using System.Text.RegularExpressions;

namespace HeCompute.Ckks.Tests.Facade;

/// <summary>The SEALNet layer's own behaviour: SEALNet's shapes (classes, properties, copies), its argument checks, and its error reporting.</summary>
public sealed partial class FacadeApiTests
{
    private static SEALContext Context(ulong n, int[] bits, bool expandModChain = true, SecLevelType secLevel = SecLevelType.TC128)
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = n };
        parms.CoeffModulus = CoeffModulus.Create(n, bits);
        return new SEALContext(parms, expandModChain, secLevel);
    }

    [GeneratedRegex("^[0-9A-F]{16}( [0-9A-F]{16}){3}$")]
    private static partial Regex SealNetParmsIdForm();

    [Fact]
    public void InsecureParametersAreNotSetAndSayWhy()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 4096 };
        parms.CoeffModulus = CoeffModulus.Create(4096, [40, 40, 30]);
        var context = new SEALContext(parms);
        Assert.False(context.ParametersSet);
        Assert.False(context.UsingKeyswitching);
        Assert.Equal("invalid_parameters_insecure", context.ParameterErrorName());
        Assert.Contains("at most 109 bits", context.ParameterErrorMessage());
        Assert.False(context.KeyContextData.Qualifiers.ParametersSet);
        Assert.Equal(110, context.KeyContextData.TotalCoeffModulusBitCount);
        Assert.Same(context.KeyContextData, context.FirstContextData);
        var error = Assert.Throws<ArgumentException>(() => new KeyGenerator(context));
        Assert.Contains("109", error.Message);
        Assert.IsType<InvalidParametersException>(error.InnerException);
        Assert.Throws<ArgumentException>(() => new CKKSEncoder(context));
        Assert.Throws<InvalidParametersException>(() => context.Parameters);

        var research = new SEALContext(parms, true, SecLevelType.None);
        Assert.True(research.ParametersSet);
        Assert.Equal("success", research.ParameterErrorName());
        Assert.Equal("valid", research.ParameterErrorMessage());
        Assert.Equal(SecLevelType.None, research.KeyContextData.Qualifiers.SecLevel);
    }

    [Fact]
    public void OtherSchemesAreNotSet()
    {
        var bfv = new EncryptionParameters(SchemeType.BFV) { PolyModulusDegree = 4096 };
        bfv.CoeffModulus = CoeffModulus.Create(4096, [36, 36, 37]);
        bfv.PlainModulus = new Modulus(65537);
        var context = new SEALContext(bfv);
        Assert.False(context.ParametersSet);
        Assert.Equal("invalid_scheme", context.ParameterErrorName());
        Assert.Throws<InvalidOperationException>(() => bfv.Save(new MemoryStream()));
        Assert.Throws<InvalidOperationException>(() => new EncryptionParameters(SchemeType.CKKS).PlainModulus = new Modulus(65537));
        Assert.Throws<InvalidOperationException>(() => new EncryptionParameters().PolyModulusDegree = 4096);
    }

    [Fact]
    public void ParmsIdIsAClassWithSealNetsCopiesEqualityAndForm()
    {
        var context = Context(8192, [60, 40, 40, 60]);
        var first = context.FirstParmsId;
        Assert.NotSame(first, context.FirstParmsId);
        Assert.Equal(first, context.FirstParmsId);
        Assert.True(first == context.FirstContextData.ParmsId);
        Assert.Matches(SealNetParmsIdForm(), first.ToString());

        var copy = new ParmsId(first);
        Assert.Equal(first.GetHashCode(), copy.GetHashCode());
        copy.Block[0] ^= 1;
        Assert.NotEqual(first, copy);
        Assert.True(first != copy);
        Assert.Null(context.GetContextData(copy));
        first.Block[1] ^= 1;
        Assert.NotEqual(first, context.FirstParmsId);

        Assert.Equal(ParmsId.Zero, new ParmsId());
        ParmsId.Zero.Block[0] = 7;
        Assert.Equal(0UL, ParmsId.Zero.Block[0]);
        ParmsId? none = null;
        Assert.True(none == null);
        Assert.False(context.LastParmsId == none);
        Assert.Equal(context.LastParmsId, new ParmsId(context.LastParmsId.ToCore()));
        Assert.Throws<ArgumentNullException>(() => new ParmsId((ParmsId)null!));
        Assert.Throws<ArgumentNullException>(() => context.GetContextData(null!));
    }

    [Fact]
    public void EncryptionParametersCopyCompareAndRoundTrip()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        parms.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 60]);
        var copy = new EncryptionParameters(parms);
        Assert.Equal(parms, copy);
        Assert.Equal(parms.ParmsId, copy.ParmsId);
        copy.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 40]);
        Assert.NotEqual(parms, copy);
        Assert.Equal(3, parms.CoeffModulus.Count());

        var primes = (List<Modulus>)parms.CoeffModulus;
        primes[0] = new Modulus(17);
        Assert.NotEqual(17UL, parms.CoeffModulus.First().Value);

        using var stream = new MemoryStream();
        var written = parms.Save(stream, ComprModeType.None);
        Assert.Equal(parms.SaveSize(ComprModeType.None), written);
        stream.Position = 0;
        var loaded = new EncryptionParameters();
        Assert.Equal(written, loaded.Load(stream));
        Assert.Equal(SchemeType.CKKS, loaded.Scheme);
        Assert.Equal(parms, loaded);
        Assert.Equal(parms.ParmsId, new SEALContext(loaded).KeyParmsId);
    }

    [Fact]
    public void ContextDataIsNestedAndChainsAsSealsDoes()
    {
        var context = Context(8192, [60, 40, 40, 60]);
        SEALContext.ContextData? level = context.KeyContextData;
        var primes = 4;
        while (level is not null)
        {
            Assert.Equal(primes, level.Parms.CoeffModulus.Count());
            Assert.Equal((ulong)(primes - 1), level.ChainIndex);
            Assert.Same(level, context.GetContextData(level.ParmsId));
            Assert.True(level.Qualifiers.UsingNTT);
            level = level.NextContextData;
            primes--;
        }

        Assert.Equal(0, primes);
        Assert.Same(context.LastContextData, context.FirstContextData.NextContextData!.NextContextData);
        Assert.Same(context.KeyContextData, context.FirstContextData.PrevContextData);
        Assert.False(context.KeyContextData.Qualifiers.UsingDescendingModulusChain);
        Assert.True(context.UsingKeyswitching);
    }

    [Fact]
    public void WithoutExpandModChainDataLivesAtOneLevel()
    {
        var context = Context(8192, [60, 40, 40, 60], expandModChain: false);
        Assert.True(context.ParametersSet);
        Assert.Same(context.FirstContextData, context.LastContextData);
        Assert.Null(context.FirstContextData.NextContextData);
        Assert.Equal(0UL, context.FirstContextData.ChainIndex);
        Assert.Equal(1UL, context.KeyContextData.ChainIndex);
        var below = context.Parameters.FirstLevel.Next!.ParmsId;
        Assert.Null(context.GetContextData(new ParmsId(below)));

        using var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        var plain = new Plaintext();
        new CKKSEncoder(context).Encode(0.5, Math.Pow(2, 40), plain);
        var ct = new Ciphertext();
        new Encryptor(context, publicKey).Encrypt(plain, ct);
        var evaluator = new Evaluator(context);
        Assert.Throws<ArgumentException>(() => evaluator.RescaleToNextInplace(ct));
        Assert.Throws<ArgumentException>(() => evaluator.ModSwitchToInplace(ct, new ParmsId(below)));
        Assert.Throws<ArgumentException>(() => evaluator.ModSwitchToNextInplace(plain));
    }

    [Fact]
    public void NullArgumentsAreRefusedByName()
    {
        var context = Context(4096, [36, 36, 37]);
        var ct = new Ciphertext();
        var plain = new Plaintext();
        var evaluator = new Evaluator(context);
        var encoder = new CKKSEncoder(context);
        Assert.Equal("context", Assert.Throws<ArgumentNullException>(() => new Evaluator(null!)).ParamName);
        Assert.Equal("encrypted2", Assert.Throws<ArgumentNullException>(() => evaluator.AddInplace(ct, null!)).ParamName);
        Assert.Equal("relinKeys", Assert.Throws<ArgumentNullException>(() => evaluator.RelinearizeInplace(ct, null!)).ParamName);
        Assert.Equal("galoisKeys", Assert.Throws<ArgumentNullException>(() => evaluator.RotateVectorInplace(ct, 1, null!)).ParamName);
        Assert.Equal("parmsId", Assert.Throws<ArgumentNullException>(() => encoder.Encode(new[] { 1.0 }, null!, 1 << 20, plain)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => encoder.Encode(1.0, 1 << 20, null!)).ParamName);
        Assert.Equal("secretKey", Assert.Throws<ArgumentNullException>(() => new Decryptor(context, null!)).ParamName);
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => ct.Load(context, null!)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => ct.ParmsId = null!).ParamName);
        Assert.Throws<ArgumentNullException>(() => new SEALContext(null!));
    }

    [Fact]
    public void CoreErrorsArriveAsSealNetsAndSealNetsRefusalsStay()
    {
        var context = Context(8192, [60, 40, 40, 60]);
        using var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateGaloisKeys([1], out var galoisKeys);
        var encoder = new CKKSEncoder(context);
        var encryptor = new Encryptor(context, publicKey);
        var evaluator = new Evaluator(context);
        var plain = new Plaintext();
        encoder.Encode(new[] { 1.0, 2.0 }, Math.Pow(2, 40), plain);
        var a = new Ciphertext();
        var b = new Ciphertext();
        encryptor.Encrypt(plain, a);
        encryptor.Encrypt(plain, b);
        evaluator.ModSwitchToNextInplace(b);

        // SEALNet's ArgumentException, with the core's specific exception inside.
        Assert.IsType<ParmsIdMismatchException>(Assert.Throws<ArgumentException>(() => evaluator.AddInplace(a, b)).InnerException);
        Assert.IsType<MissingKeyException>(Assert.Throws<ArgumentException>(() => evaluator.RotateVectorInplace(a, 2, galoisKeys)).InnerException);
        Assert.IsType<MissingKeyException>(Assert.Throws<InvalidOperationException>(() => encryptor.EncryptSymmetric(plain, a)).InnerException);
        using var secretKey = keygen.SecretKey;
        Assert.Throws<ArgumentException>(() => new Decryptor(context, secretKey).InvariantNoiseBudget(a));

        // SEAL's BFV/BGV-only members refuse CKKS as SEAL does; exponent 1 is the identity.
        keygen.CreateRelinKeys(out var relinKeys);
        Assert.Throws<InvalidOperationException>(() => evaluator.MultiplyMany([a, a], relinKeys, new Ciphertext()));
        Assert.Throws<ArgumentException>(() => evaluator.MultiplyMany([], relinKeys, new Ciphertext()));
        Assert.Throws<ArgumentException>(() => evaluator.ExponentiateInplace(a, 0, relinKeys));
        Assert.Throws<InvalidOperationException>(() => evaluator.ExponentiateInplace(a, 3, relinKeys));
        var power = new Ciphertext();
        evaluator.Exponentiate(a, 1, relinKeys, power);
        using var left = new MemoryStream();
        using var right = new MemoryStream();
        a.Save(left, ComprModeType.None);
        power.Save(right, ComprModeType.None);
        Assert.Equal(left.ToArray(), right.ToArray());
        Assert.Equal(40, new Modulus(CoeffModulus.Create(8192, [40]).First()).BitCount);
    }

    [Fact]
    public void SerializableEncryptionsSaveWholeCiphertextsThatDecrypt()
    {
        var context = Context(4096, [36, 36, 37]);
        using var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        var encoder = new CKKSEncoder(context);
        var plain = new Plaintext();
        encoder.Encode(new[] { 0.75, -0.5 }, Math.Pow(2, 30), plain);
        var encryptor = new Encryptor(context, publicKey);
        using var secretKey = keygen.SecretKey;
        var decryptor = new Decryptor(context, secretKey);
        foreach (var (serializable, expected) in new[] { (encryptor.Encrypt(plain), 0.75), (encryptor.EncryptZero(), 0.0), (encryptor.EncryptZero(context.LastParmsId), 0.0) })
        {
            using var stream = new MemoryStream();
            var written = serializable.Save(stream, ComprModeType.None);
            Assert.Equal(serializable.SaveSize(ComprModeType.None), written);
            stream.Position = 0;
            var ct = new Ciphertext();
            ct.Load(context, stream);
            Assert.Equal(2UL, ct.Size);

            // An encryption of zero has scale 1, as in SEAL; read at the message's scale, its noise is negligible.
            ct.Scale = Math.Pow(2, 30);
            var decrypted = new Plaintext();
            decryptor.Decrypt(ct, decrypted);
            var values = new List<double>();
            encoder.Decode(decrypted, values);
            Assert.True(Math.Abs(values[0] - expected) < 1e-3, $"{values[0]} vs {expected}");
        }
    }

    [Fact]
    public void SecretKeyDisposeWipesTheKey()
    {
        var context = Context(4096, [36, 36, 37]);
        using var keygen = new KeyGenerator(context);
        var secretKey = keygen.SecretKey;
        var data = secretKey.Data;
        Assert.False(data.IsZero);
        secretKey.Dispose();
        Assert.True(data.IsZero);
        Assert.True(secretKey.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => secretKey.Data);
        using var again = keygen.SecretKey;
        Assert.False(again.Data.IsZero);
    }

    [Fact]
    public void HoistedRotationsEqualSingleRotations()
    {
        var context = Context(8192, [60, 40, 40, 60]);
        using var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        int[] steps = [1, 2, -5];
        keygen.CreateGaloisKeys(steps, out var galoisKeys);
        var plain = new Plaintext();
        new CKKSEncoder(context).Encode(Enumerable.Range(0, 64).Select(i => i / 64.0), Math.Pow(2, 40), plain);
        var ct = new Ciphertext();
        new Encryptor(context, publicKey).Encrypt(plain, ct);
        var evaluator = new Evaluator(context);
        var hoisted = new List<Ciphertext>();
        evaluator.RotateVectorHoisted(ct, steps, galoisKeys, hoisted);
        Assert.Equal(steps.Length, hoisted.Count);
        for (var i = 0; i < steps.Length; i++)
        {
            var single = new Ciphertext();
            evaluator.RotateVector(ct, steps[i], galoisKeys, single);
            using var expected = new MemoryStream();
            using var actual = new MemoryStream();
            single.Save(expected, ComprModeType.None);
            hoisted[i].Save(actual, ComprModeType.None);
            Assert.Equal(expected.ToArray(), actual.ToArray());
        }
    }
}
