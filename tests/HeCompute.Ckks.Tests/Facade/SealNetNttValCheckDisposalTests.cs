using HeCompute.Ckks.Tools;
using Ckks = HeCompute.Ckks;

namespace HeCompute.Ckks.Tests.Facade;

/// <summary>
/// SEALNet's NTT transforms, <c>ValCheck</c>, the interfaces and the legacy header, and disposal of every handle, as
/// SEAL 4.4.3 behaves for CKKS.
/// </summary>
public sealed class SealNetNttValCheckDisposalTests
{
    private static Ckks.SEALContext SmallContext()
    {
        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = 16 };
        parms.CoeffModulus = Ckks.CoeffModulus.Create(16, [40, 40, 40]);
        return new Ckks.SEALContext(parms, true, Ckks.SecLevelType.None);
    }

    private sealed class Setup
    {
        public Setup()
        {
            Context = SmallContext();
            var keygen = new Ckks.KeyGenerator(Context);
            SecretKey = keygen.SecretKey;
            keygen.CreatePublicKey(out var publicKey);
            PublicKey = publicKey;
            keygen.CreateRelinKeys(out var relinKeys);
            RelinKeys = relinKeys;
            Encoder = new Ckks.CKKSEncoder(Context);
            Encryptor = new Ckks.Encryptor(Context, PublicKey);
            Decryptor = new Ckks.Decryptor(Context, SecretKey);
            Evaluator = new Ckks.Evaluator(Context);
        }

        public Ckks.SEALContext Context { get; }

        public Ckks.SecretKey SecretKey { get; }

        public Ckks.PublicKey PublicKey { get; }

        public Ckks.RelinKeys RelinKeys { get; }

        public Ckks.CKKSEncoder Encoder { get; }

        public Ckks.Encryptor Encryptor { get; }

        public Ckks.Decryptor Decryptor { get; }

        public Ckks.Evaluator Evaluator { get; }

        public Ckks.Ciphertext Encrypt(double[] values)
        {
            using var plain = new Ckks.Plaintext();
            Encoder.Encode(values, Math.Pow(2, 30), plain);
            var ct = new Ckks.Ciphertext();
            Encryptor.Encrypt(plain, ct);
            return ct;
        }

        public List<double> Decrypt(Ckks.Ciphertext ct)
        {
            using var plain = new Ckks.Plaintext();
            Decryptor.Decrypt(ct, plain);
            var values = new List<double>();
            Encoder.Decode(plain, values);
            return values;
        }
    }

    [Fact]
    public void CiphertextRoundTripsThroughCoefficientFormUnchanged()
    {
        var s = new Setup();
        double[] values = [1.5, -2.25, 3, 0.5, 7, -1, 0, 4];
        using var ct = s.Encrypt(values);
        var before = Words(ct);

        using var coefficients = new Ckks.Ciphertext();
        s.Evaluator.TransformFromNTT(ct, coefficients);
        Assert.False(coefficients.IsNTTForm);
        Assert.True(ct.IsNTTForm);
        Assert.NotEqual(before, Words(coefficients));

        s.Evaluator.TransformToNTTInplace(coefficients);
        Assert.True(coefficients.IsNTTForm);
        Assert.Equal(before, Words(coefficients));

        s.Evaluator.TransformFromNTTInplace(ct);
        using var back = new Ckks.Ciphertext();
        s.Evaluator.TransformToNTT(ct, back);
        Assert.Equal(before, Words(back));
        var decrypted = s.Decrypt(back);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], decrypted[i], 1e-3);
        }
    }

    [Fact]
    public void CoefficientFormIsTheInverseNttOfEachLimb()
    {
        var s = new Setup();
        using var ct = s.Encrypt([1, 2, 3]);
        using var coefficients = new Ckks.Ciphertext();
        s.Evaluator.TransformFromNTT(ct, coefficients);

        // The forward negacyclic NTT of a limb evaluates the polynomial at odd powers of a primitive 2N-th root, so the
        // sum over all evaluations is N times the constant coefficient (the odd powers of the root sum to zero for
        // every other coefficient): checked limb by limb against the coefficient form, modulo each prime.
        var n = (int)ct.PolyModulusDegree;
        var level = s.Context.Parameters.GetLevel(ct.ParmsId.ToCore())!;
        for (var poly = 0UL; poly < ct.Size; poly++)
        {
            for (var prime = 0; prime < level.PrimeCount; prime++)
            {
                var q = level.Primes[prime];
                System.Numerics.BigInteger sum = 0;
                for (var j = 0; j < n; j++)
                {
                    sum += ct[(poly * ct.CoeffModulusSize * (ulong)n) + ((ulong)prime * (ulong)n) + (ulong)j];
                }

                var constant = coefficients[(poly * ct.CoeffModulusSize * (ulong)n) + ((ulong)prime * (ulong)n)];
                Assert.Equal((System.Numerics.BigInteger)constant * n % q, sum % q);
            }
        }
    }

    [Fact]
    public void CiphertextTransformsRefuseAsSealDoes()
    {
        var s = new Setup();
        using var ct = s.Encrypt([1]);
        var already = Assert.Throws<ArgumentException>(() => s.Evaluator.TransformToNTTInplace(ct));
        Assert.Equal("encrypted is already in NTT form (Parameter 'encrypted')", already.Message);

        s.Evaluator.TransformFromNTTInplace(ct);
        var notNtt = Assert.Throws<ArgumentException>(() => s.Evaluator.TransformFromNTTInplace(ct));
        Assert.Contains("encrypted_ntt is not in NTT form", notNtt.Message, StringComparison.Ordinal);

        // The engine computes in NTT form only: a coefficient-form operand is refused, as SEAL refuses it for decryption.
        Assert.Throws<ArgumentException>(() => s.Evaluator.SquareInplace(ct));
        using var plain = new Ckks.Plaintext();
        Assert.Throws<ArgumentException>(() => s.Decryptor.Decrypt(ct, plain));

        Assert.Throws<ArgumentException>(() => s.Evaluator.TransformToNTTInplace(new Ckks.Ciphertext()));
        Assert.Throws<ArgumentNullException>(() => s.Evaluator.TransformToNTT(null!, ct));
        Assert.Throws<ArgumentNullException>(() => s.Evaluator.TransformFromNTT(ct, null!));

        // An encryption at another context's level is not valid for this one.
        var other = new Setup();
        using var foreign = other.Encrypt([1]);
        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = 32 };
        parms.CoeffModulus = Ckks.CoeffModulus.Create(32, [40, 40]);
        var larger = new Ckks.Evaluator(new Ckks.SEALContext(parms, true, Ckks.SecLevelType.None));
        var invalid = Assert.Throws<ArgumentException>(() => larger.TransformFromNTTInplace(foreign));
        Assert.Contains("not valid for encryption parameters", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransparentResultIsRefused()
    {
        var s = new Setup();
        using var ct = s.Encrypt([1]);
        var polyWords = ct.PolyModulusDegree * ct.CoeffModulusSize;
        s.Evaluator.TransformFromNTTInplace(ct);
        for (var i = polyWords; i < 2 * polyWords; i++)
        {
            ct[i] = 0;
        }

        var error = Assert.Throws<InvalidOperationException>(() => s.Evaluator.TransformToNTTInplace(ct));
        Assert.Equal("result ciphertext is transparent", error.Message);
    }

    [Fact]
    public void PlaintextTransformFollowsSealsCkksRules()
    {
        var s = new Setup();
        using var encoded = new Ckks.Plaintext();
        s.Encoder.Encode(1.0, Math.Pow(2, 20), encoded);
        var already = Assert.Throws<ArgumentException>(() => s.Evaluator.TransformToNTTInplace(encoded, s.Context.FirstParmsId));
        Assert.Contains("plain is already in NTT form", already.Message, StringComparison.Ordinal);

        // SEAL checks a coefficient-form plaintext's coefficients against the plain modulus, which is 0 for CKKS.
        using var coefficients = new Ckks.Plaintext("1x^1 + 3");
        var invalid = Assert.Throws<ArgumentException>(() => s.Evaluator.TransformToNTTInplace(coefficients, s.Context.FirstParmsId));
        Assert.Contains("plain is not valid for encryption parameters", invalid.Message, StringComparison.Ordinal);

        using var empty = new Ckks.Plaintext();
        var unknown = Assert.Throws<ArgumentException>(() => s.Evaluator.TransformToNTTInplace(empty, Ckks.ParmsId.Zero));
        Assert.Contains("parms_id is not valid for the current context", unknown.Message, StringComparison.Ordinal);

        using var destination = new Ckks.Plaintext();
        s.Evaluator.TransformToNTT(empty, s.Context.LastParmsId, destination);
        Assert.True(destination.IsNTTForm);
        Assert.Equal(s.Context.LastParmsId, destination.ParmsId);
        Assert.Equal(s.Context.LastContextData.Parms.PolyModulusDegree * (ulong)s.Context.LastContextData.Parms.CoeffModulus.Count(), destination.CoeffCount);
        Assert.True(destination.IsZero);
        Assert.False(empty.IsNTTForm);
        Assert.Throws<ArgumentNullException>(() => s.Evaluator.TransformToNTTInplace(empty, null!));
    }

    [Fact]
    public void ValCheckAcceptsWhatTheEngineMadeAndRefusesWhatSealRefuses()
    {
        var s = new Setup();
        using var ct = s.Encrypt([1, 2]);
        Assert.True(Ckks.ValCheck.IsValidFor(ct, s.Context));
        Assert.True(Ckks.ValCheck.IsValidFor(s.SecretKey, s.Context));
        Assert.True(Ckks.ValCheck.IsValidFor(s.PublicKey, s.Context));
        Assert.True(Ckks.ValCheck.IsValidFor(s.RelinKeys, s.Context));
        Assert.True(Ckks.ValCheck.IsValidFor((Ckks.KSwitchKeys)s.RelinKeys, s.Context));
        using var plain = new Ckks.Plaintext();
        s.Encoder.Encode(2.0, Math.Pow(2, 20), plain);
        Assert.True(Ckks.ValCheck.IsValidFor(plain, s.Context));
        Assert.True(Ckks.ValCheck.IsValidFor(new Ckks.Plaintext(), s.Context));
        Assert.False(Ckks.ValCheck.IsValidFor(new Ckks.Plaintext("1"), s.Context));

        // A coefficient at or above its prime, and a level of another context, are not valid.
        ct[0] = s.Context.FirstContextData.Parms.CoeffModulus.First().Value;
        Assert.False(Ckks.ValCheck.IsValidFor(ct, s.Context));
        var other = new Setup();
        Assert.False(Ckks.ValCheck.IsValidFor(other.PublicKey, SmallContextOfDegree(32)));
        Assert.False(Ckks.ValCheck.IsValidFor(new Ckks.GaloisKeys(), s.Context));
        Assert.Throws<ArgumentNullException>(() => Ckks.ValCheck.IsValidFor((Ckks.Ciphertext)null!, s.Context));
        Assert.Throws<ArgumentNullException>(() => Ckks.ValCheck.IsValidFor(plain, null!));
    }

    [Fact]
    public void EveryHandleThrowsObjectDisposedAfterDisposeAndDisposesOnce()
    {
        var s = new Setup();
        using var ct = s.Encrypt([1]);
        using var plain = new Ckks.Plaintext();

        s.Evaluator.Dispose();
        Assert.True(s.Evaluator.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => s.Evaluator.NegateInplace(ct));
        Assert.Throws<ObjectDisposedException>(() => s.Evaluator.TransformFromNTTInplace(ct));
        s.Evaluator.Dispose();

        s.Encoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Encoder.SlotCount);
        s.Decryptor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Decryptor.Decrypt(ct, plain));
        s.Encryptor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Encryptor.EncryptZero(ct));

        var keygen = new Ckks.KeyGenerator(s.Context);
        keygen.Dispose();
        Assert.True(keygen.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => keygen.SecretKey);

        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = 16 };
        parms.Dispose();
        Assert.Throws<ObjectDisposedException>(() => parms.PolyModulusDegree);
        Assert.Throws<ObjectDisposedException>(() => parms.CoeffModulus);

        // Objects made from a context keep working once it is disposed (SEAL's share its data); new ones cannot be made.
        var evaluator = new Ckks.Evaluator(s.Context);
        s.Context.Dispose();
        Assert.True(s.Context.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => s.Context.ParametersSet);
        Assert.Throws<ObjectDisposedException>(() => s.Context.GetContextData(ct.ParmsId));
        Assert.Throws<ObjectDisposedException>(() => new Ckks.Evaluator(s.Context));
        Assert.Throws<ObjectDisposedException>(() => Ckks.ValCheck.IsValidFor(ct, s.Context));
        evaluator.NegateInplace(ct);
        evaluator.NegateInplace(ct);

        using var generator = new Ckks.KeyGenerator(SmallContext());
        var serializable = generator.CreatePublicKey();
        var copy = new Ckks.Serializable<Ckks.PublicKey>(serializable);
        Assert.Equal(serializable.SaveSize(Ckks.ComprModeType.None), copy.SaveSize(Ckks.ComprModeType.None));
        serializable.Dispose();
        Assert.Throws<ObjectDisposedException>(() => serializable.SaveSize(null));
        Assert.Throws<ObjectDisposedException>(() => copy.Set(serializable));
        Assert.True(copy.SaveSize(null) > 0);

        DisposableObject[] noHandles = [new Ckks.SEALContext(new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS)).KeyContextData, new Ckks.SEALContext(new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS)).KeyContextData.Qualifiers];
        foreach (var handle in noHandles)
        {
            handle.Dispose();
            Assert.True(handle.IsDisposed);
        }
    }

    [Fact]
    public void InterfacesAndTheLegacyHeaderAreSealNets()
    {
        var s = new Setup();
        using var ct = s.Encrypt([3]);
        Ckks.ISettable<Ckks.Ciphertext> settable = new Ckks.Ciphertext();
        settable.Set(ct);
        Ckks.ISerializableObject saveable = (Ckks.Ciphertext)settable;
        Assert.Equal(ct.SaveSize(Ckks.ComprModeType.None), saveable.SaveSize(Ckks.ComprModeType.None));
        using var stream = new MemoryStream();
        Assert.Equal(saveable.SaveSize(Ckks.ComprModeType.None), saveable.Save(stream, Ckks.ComprModeType.None));

        var header = new Ckks.Serialization.SEALHeader { Size = 0x1122334455667788 };
        var legacy = new Ckks.LegacyHeaders.SEALHeader_3_4(header);

        // SEALNet copies the 16 bytes: the current header's size byte and major version land in ZeroByte and ComprMode.
        Assert.Equal(Ckks.Serialization.SEALMagic, legacy.Magic);
        Assert.Equal(Ckks.Serialization.SEALHeaderSize, legacy.ZeroByte);
        Assert.Equal((Ckks.ComprModeType)Ckks.SEALVersion.Major, legacy.ComprMode);
        Assert.Equal(Ckks.SEALVersion.Minor | ((uint)header.ComprMode << 8), legacy.Size);
        Assert.Equal(0x1122334455667788UL, legacy.Reserved);
        var copy = new Ckks.LegacyHeaders.SEALHeader_3_4();
        copy.Set(legacy);
        Assert.Equal((legacy.Magic, legacy.ZeroByte, legacy.ComprMode, legacy.Size, legacy.Reserved), (copy.Magic, copy.ZeroByte, copy.ComprMode, copy.Size, copy.Reserved));
        Assert.Throws<ArgumentNullException>(() => copy.Set((Ckks.Serialization.SEALHeader)null!));
    }

    private static Ckks.SEALContext SmallContextOfDegree(ulong n)
    {
        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = n };
        parms.CoeffModulus = Ckks.CoeffModulus.Create(n, [40, 40, 40]);
        return new Ckks.SEALContext(parms, true, Ckks.SecLevelType.None);
    }

    private static ulong[] Words(Ckks.Ciphertext ct)
    {
        var words = new ulong[ct.Size * ct.PolyModulusDegree * ct.CoeffModulusSize];
        for (var i = 0UL; i < (ulong)words.Length; i++)
        {
            words[i] = ct[i];
        }

        return words;
    }
}
