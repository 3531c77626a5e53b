using System.Numerics;
using HeCompute.Ckks.Tools;
using Ckks = HeCompute.Ckks;
using Rlwe = HeCompute.Lattice.Rlwe;

namespace HeCompute.Ckks.Tests.Facade;

/// <summary>Behaviour of the SEALNet members added for SEAL's own .NET tests: values, copies, errors and counters as SEALNet has them.</summary>
public sealed class SealNetMembersTests
{
    private static Ckks.SEALContext SmallContext(Ckks.SecLevelType secLevel = Ckks.SecLevelType.None)
    {
        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = 8 };
        parms.CoeffModulus = Ckks.CoeffModulus.Create(8, [40, 40, 40, 40]);
        return new Ckks.SEALContext(parms, true, secLevel);
    }

    [Fact]
    public void ModulusIsMutableComparableAndHasBarrettRatio()
    {
        var modulus = new Ckks.Modulus();
        modulus.Set(0x1234567890ABCDEFUL);
        var ratio = modulus.ConstRatio;
        var expected = BigInteger.DivRem(BigInteger.One << 128, 0x1234567890ABCDEFUL, out var remainder);
        Assert.Equal((ulong)(expected & ulong.MaxValue), ratio.Item1);
        Assert.Equal((ulong)(expected >> 64), ratio.Item2);
        Assert.Equal((ulong)remainder, ratio.Item3);
        Assert.Equal(new Tuple<ulong, ulong, ulong>(0, 0, 0), new Ckks.Modulus().ConstRatio);

        var cast = (Ckks.Modulus)17UL;
        Assert.True(cast.Equals(17UL));
        Assert.Equal(0, cast.CompareTo(17UL));
        Assert.True(cast.CompareTo(18UL) < 0);
        var copy = new Ckks.Modulus(cast);
        copy.Set(cast);
        Assert.Equal(cast, copy);
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.Set(1));
        Assert.Throws<ArgumentNullException>(() => copy.Set((Ckks.Modulus)null!));
    }

    [Fact]
    public void ModulusLoadsIntoTheInstanceAndReportsAShortStream()
    {
        var saved = new Ckks.Modulus(0x12345);
        using var stream = new MemoryStream();
        var written = saved.Save(stream, Ckks.ComprModeType.None);
        Assert.Equal(written, saved.SaveSize(Ckks.ComprModeType.None));
        stream.Position = 0;
        var loaded = new Ckks.Modulus();
        Assert.Equal(written, loaded.Load(stream));
        Assert.Equal(0x12345UL, loaded.Value);
        Assert.Throws<EndOfStreamException>(() => loaded.Load(new MemoryStream()));
        Assert.Throws<EndOfStreamException>(() => loaded.Load(new MemoryStream(stream.ToArray()[..20])));
    }

    [Fact]
    public void CoeffModulusWithAPlainModulusPicksSealsPrimes()
    {
        var four = new Ckks.Modulus(4);
        Assert.Empty(Ckks.CoeffModulus.Create(2, four, []));
        Assert.Equal([5UL, 17, 13, 29], Ckks.CoeffModulus.Create(2, four, [3, 5, 4, 5]).Select(m => m.Value));
        Assert.Equal([3133441UL, 3655681], Ckks.CoeffModulus.Create(1024, new Ckks.Modulus(255), [22, 22]).Select(m => m.Value));
        Assert.IsType<List<Ckks.Modulus>>(Ckks.CoeffModulus.Create(8, [20]));
        Assert.Throws<InvalidOperationException>(() => Ckks.CoeffModulus.Create(2, [3, 3, 3]));
        Assert.Throws<InvalidOperationException>(() => Ckks.CoeffModulus.Create(2048, new Ckks.Modulus(0x20000000000000), [20]));
        Assert.Throws<ArgumentException>(() => Ckks.CoeffModulus.Create(2048, new Ckks.Modulus(), [30]));
        Assert.Throws<ArgumentException>(() => Ckks.CoeffModulus.Create(1023, [20]));
    }

    [Fact]
    public void BfvDefaultIsTheLargestStandardModulus()
    {
        foreach (var n in new ulong[] { 1024, 2048, 4096, 8192, 16384, 32768 })
        {
            foreach (var level in new[] { Ckks.SecLevelType.TC128, Ckks.SecLevelType.TC192, Ckks.SecLevelType.TC256 })
            {
                var primes = Ckks.CoeffModulus.BFVDefault(n, level).ToList();
                Assert.All(primes, q => Assert.True(q.IsPrime && q.Value % (2 * n) == 1));
                var bits = primes.Sum(q => q.BitCount);
                Assert.True(bits <= Ckks.CoeffModulus.MaxBitCount(n, level), $"N={n} {level}: {bits} bits");
            }
        }

        Assert.Equal(218, Ckks.CoeffModulus.BFVDefault(8192).Sum(q => q.BitCount));
        Assert.Throws<ArgumentException>(() => Ckks.CoeffModulus.BFVDefault(512));
        Assert.Throws<ArgumentException>(() => Ckks.CoeffModulus.BFVDefault(8192, Ckks.SecLevelType.None));
    }

    [Fact]
    public void SerializationHeadersRoundTripAndAreJudgedAsTheCoreJudgesThem()
    {
        Assert.Equal(16, Ckks.Serialization.SEALHeaderSize);
        Assert.Equal(0xA15E, Ckks.Serialization.SEALMagic);
        Assert.Equal(Ckks.ComprModeType.ZSTD, Ckks.Serialization.ComprModeDefault);
        Assert.Equal("4.4.3", Ckks.SEALVersion.Version);
        var header = new Ckks.Serialization.SEALHeader { Size = 256 };
        Assert.True(Ckks.Serialization.IsValidHeader(header));
        using var stream = new MemoryStream();
        Ckks.Serialization.SaveHeader(header, stream);
        Assert.Equal(16, stream.Length);
        stream.Position = 0;
        var loaded = new Ckks.Serialization.SEALHeader();
        Ckks.Serialization.LoadHeader(stream, loaded);
        Assert.Equal(256UL, loaded.Size);
        loaded.VersionMinor = (byte)(Ckks.SEALVersion.Minor + 1);
        Assert.False(Ckks.Serialization.IsCompatibleVersion(loaded));
        loaded.Set(header);
        loaded.ComprMode = (Ckks.ComprModeType)3;
        Assert.False(Ckks.Serialization.IsValidHeader(loaded));
        Assert.False(Ckks.Serialization.IsSupportedComprMode((Ckks.ComprModeType)3));
        Assert.Throws<EndOfStreamException>(() => Ckks.Serialization.LoadHeader(new MemoryStream(new byte[8]), loaded));

        // A saved object's first 16 bytes are such a header.
        var plain = new Ckks.Plaintext("1x^2 + 3");
        using var saved = new MemoryStream();
        var size = plain.Save(saved);
        saved.Position = 0;
        Ckks.Serialization.LoadHeader(saved, loaded);
        Assert.True(Ckks.Serialization.IsValidHeader(loaded));
        Assert.Equal((ulong)size, loaded.Size);
    }

    [Fact]
    public void PlaintextPolynomialStringsCapacityAndEquality()
    {
        var plain = new Ckks.Plaintext("6x^5 + 5x^4 + 3x^2 + 2x^1 + 1");
        Assert.Equal(6UL, plain.CoeffCount);
        Assert.Equal(5UL, plain.NonZeroCoeffCount);
        Assert.Equal("6x^5 + 5x^4 + 3x^2 + 2x^1 + 1", plain.ToString());
        Assert.Equal("0", new Ckks.Plaintext(3).ToString());
        Assert.Equal(0xFFUL, new Ckks.Plaintext("FFx^1")[1]);
        Assert.Throws<ArgumentException>(() => new Ckks.Plaintext("1x^2147483646"));
        Assert.Throws<ArgumentException>(() => new Ckks.Plaintext("1x^1 + 2x^3"));
        Assert.Throws<ArgumentException>(() => new Ckks.Plaintext("x^^2"));

        var reserved = new Ckks.Plaintext(capacity: 20, coeffCount: 10);
        Assert.Equal(20UL, reserved.Capacity);
        reserved.Set("3x^2 + 4x^1");
        Assert.Equal(20UL, reserved.Capacity);
        Assert.Equal(3UL, reserved.SignificantCoeffCount);
        reserved.ShrinkToFit();
        Assert.Equal(3UL, reserved.Capacity);
        reserved.Resize(10);
        Assert.Equal(10UL, reserved.Capacity);
        Assert.Equal(new Ckks.Plaintext("3x^2 + 4x^1"), reserved);
        Assert.Equal(new Ckks.Plaintext("3x^2 + 4x^1").GetHashCode(), reserved.GetHashCode());
        Assert.NotEqual(new Ckks.Plaintext("3x^2"), reserved);
        reserved.Reserve(2);
        Assert.Equal(2UL, reserved.CoeffCount);

        var coeffs = new Ckks.Plaintext(new ulong[] { 1, 2, 3, 4, 5 }, 8);
        coeffs.SetZero(1, 2);
        Assert.Equal("5x^4 + 4x^3 + 1", coeffs.ToString());
        coeffs.SetZero(4);
        Assert.Equal("4x^3 + 1", coeffs.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => coeffs.SetZero(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => coeffs[5]);
        coeffs.Set(9UL);
        Assert.Equal("9", coeffs.ToString());
    }

    [Fact]
    public void EncodedPlaintextsHaveNoPolynomialString()
    {
        var context = SmallContext();
        var plain = new Ckks.Plaintext();
        new Ckks.CKKSEncoder(context).Encode(1.5, Math.Pow(2, 30), plain);
        Assert.Throws<InvalidOperationException>(plain.ToString);
        var copy = new Ckks.Plaintext(plain);
        Assert.Equal(plain, copy);
        copy.Scale *= 2;
        Assert.NotEqual(plain, copy);
    }

    [Fact]
    public void SmallRingsWorkWithoutASecurityLevelAndAreRefusedWithOne()
    {
        var insecure = SmallContext(Ckks.SecLevelType.TC128);
        Assert.False(insecure.ParametersSet);
        Assert.Equal("invalid_parameters_insecure", insecure.ParameterErrorName());

        var context = SmallContext();
        Assert.True(context.ParametersSet);
        Assert.Equal(4, context.KeyContextData.UpperHalfThreshold!.Length);
        var q = context.KeyContextData.Parms.CoeffModulus.Aggregate(BigInteger.One, (p, m) => p * m.Value);
        var threshold = context.KeyContextData.UpperHalfThreshold.Select((w, i) => new BigInteger(w) << (64 * i)).Aggregate(BigInteger.Zero, (a, b) => a + b);
        Assert.Equal((q + 1) / 2, threshold);
        Assert.Null(context.KeyContextData.UpperHalfIncrement);
        Assert.True(context.KeyContextData.Qualifiers.UsingBatching);

        using var keygen = new Ckks.KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateGaloisKeys(out var galoisKeys);
        var encoder = new Ckks.CKKSEncoder(context);
        Assert.Equal(4UL, encoder.SlotCount);
        var plain = new Ckks.Plaintext();
        encoder.Encode(new Complex[] { new(1, 1), new(2, 2), new(3, 3), new(4, 4) }, Math.Pow(2, 30), plain);
        var encrypted = new Ckks.Ciphertext();
        new Ckks.Encryptor(context, publicKey).Encrypt(plain, encrypted);
        var evaluator = new Ckks.Evaluator(context);
        evaluator.RotateVectorInplace(encrypted, 1, galoisKeys);
        new Ckks.Decryptor(context, keygen.SecretKey).Decrypt(encrypted, plain);
        var result = new List<Complex>();
        encoder.Decode(plain, result);
        Assert.Equal([2.0, 3, 4, 1], result.Select(c => Math.Round(c.Real, 3)));
    }

    [Fact]
    public void StepsWithoutTheirOwnKeyRotateThroughTheDefaultKeysAsInSeal()
    {
        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = 64 };
        parms.CoeffModulus = Ckks.CoeffModulus.Create(64, [40, 40, 40]);
        var context = new Ckks.SEALContext(parms, true, Ckks.SecLevelType.None);
        using var keygen = new Ckks.KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateGaloisKeys(out var defaults);
        keygen.CreateGaloisKeys(new[] { 1 }, out var onlyOne);
        var encoder = new Ckks.CKKSEncoder(context);
        var values = Enumerable.Range(0, 32).Select(i => (double)i).ToArray();
        var plain = new Ckks.Plaintext();
        encoder.Encode(values, Math.Pow(2, 30), plain);
        var encrypted = new Ckks.Ciphertext();
        new Ckks.Encryptor(context, publicKey).Encrypt(plain, encrypted);
        var evaluator = new Ckks.Evaluator(context);
        var decryptor = new Ckks.Decryptor(context, keygen.SecretKey);
        foreach (var step in new[] { 3, 7, -11, 13 })
        {
            Assert.False(defaults.HasKey(Rlwe.GaloisElements.FromStep(step, 64)));
            var rotated = new Ckks.Ciphertext();
            evaluator.RotateVector(encrypted, step, defaults, rotated);
            decryptor.Decrypt(rotated, plain);
            var result = new List<double>();
            encoder.Decode(plain, result);
            Assert.Equal(Enumerable.Range(0, 32).Select(i => (double)(((i + step) % 32 + 32) % 32)), result.Select(v => Math.Round(v, 2)));
        }

        // 3 = 4 - 1: the key for 4 is missing, and the core names the step it lacks.
        var error = Assert.Throws<ArgumentException>(() => evaluator.RotateVectorInplace(encrypted, 3, onlyOne));
        Assert.IsType<MissingKeyException>(error.InnerException);
    }

    [Fact]
    public void EncryptZeroSymmetricDecryptsToZero()
    {
        var context = SmallContext();
        using var keygen = new Ckks.KeyGenerator(context);
        var encryptor = new Ckks.Encryptor(context, keygen.SecretKey);
        var decryptor = new Ckks.Decryptor(context, keygen.SecretKey);
        var encoder = new Ckks.CKKSEncoder(context);
        var lower = context.FirstContextData.NextContextData!.ParmsId;
        var zero = new Ckks.Ciphertext();
        encryptor.EncryptZeroSymmetric(lower, zero);
        Assert.Equal(lower, zero.ParmsId);
        Assert.Equal(1.0, zero.Scale);
        zero.Scale = Math.Pow(2, 30);
        var plain = new Ckks.Plaintext();
        decryptor.Decrypt(zero, plain);
        var values = new List<double>();
        encoder.Decode(plain, values);
        Assert.All(values, v => Assert.True(Math.Abs(v) < 1e-3));

        using var seeded = new MemoryStream();
        encryptor.EncryptZeroSymmetric().Save(seeded);
        using var whole = new MemoryStream();
        var first = new Ckks.Ciphertext();
        encryptor.EncryptZeroSymmetric(first);
        first.Save(whole);
        Assert.True(seeded.Length < whole.Length);
        Assert.Throws<ArgumentNullException>(() => encryptor.EncryptZeroSymmetric(null!, zero));
    }

    [Fact]
    public void CiphertextCapacityResizeIndexerAndSet()
    {
        var context = SmallContext();
        var empty = new Ckks.Ciphertext();
        empty.Resize(4);
        Assert.Equal(4UL, empty.Size);
        Assert.Equal(0UL, empty.SizeCapacity);

        var ct = new Ckks.Ciphertext(context, context.FirstParmsId, 5);
        Assert.Equal(5UL, ct.SizeCapacity);
        Assert.Equal(0UL, ct.Size);
        ct.Resize(3);
        Assert.Equal(5UL, ct.SizeCapacity);
        ct[2, 23] = 7;
        Assert.Equal(7UL, ct[(2 * 8 * 3) + 23]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ct[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ct[0, 24]);
        ct.Reserve(2);
        Assert.Equal(2UL, ct.Size);
        Assert.Equal(2UL, ct.SizeCapacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => ct.Reserve(1));
        var copy = new Ckks.Ciphertext();
        copy.Set(ct);
        Assert.Equal(ct.ParmsId, copy.ParmsId);
        Assert.Equal(ct.Size, copy.Size);
    }

    [Fact]
    public void EvaluatorRefusesBatchingRotationsAndModReducesAsItModSwitches()
    {
        var context = SmallContext();
        using var keygen = new Ckks.KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateGaloisKeys(out var galoisKeys);
        var plain = new Ckks.Plaintext();
        new Ckks.CKKSEncoder(context).Encode(2.0, Math.Pow(2, 30), plain);
        var encrypted = new Ckks.Ciphertext();
        new Ckks.Encryptor(context, publicKey).Encrypt(plain, encrypted);
        var evaluator = new Ckks.Evaluator(context);
        var reduced = new Ckks.Ciphertext();
        var switched = new Ckks.Ciphertext();
        evaluator.ModReduceToNext(encrypted, reduced);
        evaluator.ModSwitchToNext(encrypted, switched);
        Assert.Equal(switched.ParmsId, reduced.ParmsId);
        Assert.Equal(Enumerable.Range(0, (int)(switched.Size * 8 * switched.CoeffModulusSize)).Select(i => switched[(ulong)i]),
            Enumerable.Range(0, (int)(reduced.Size * 8 * reduced.CoeffModulusSize)).Select(i => reduced[(ulong)i]));
        Assert.Throws<InvalidOperationException>(() => evaluator.RotateRowsInplace(encrypted, 1, galoisKeys));
        Assert.Throws<InvalidOperationException>(() => evaluator.RotateColumns(encrypted, galoisKeys, reduced));
        Assert.Throws<ArgumentNullException>(() => evaluator.RotateRowsInplace(null!, 1, galoisKeys));
    }

    [Fact]
    public void PoolsCountTheirHandlesAndTheStorageOfTheirObjects()
    {
        var pool = Ckks.MemoryPoolHandle.New();
        Assert.True(pool.IsInitialized);
        Assert.Equal(1L, pool.UseCount);
        Assert.Equal(0UL, pool.AllocByteCount);
        var plain = new Ckks.Plaintext(pool);
        var other = new Ckks.Plaintext(pool);
        Assert.Equal(3L, pool.UseCount);
        plain.Reserve(100);
        other.Reserve(100);
        Assert.Equal(1600UL, pool.AllocByteCount);
        Assert.Equal(1UL, pool.PoolCount);
        using (var handle = plain.Pool)
        {
            // Each handle counts until it is disposed, as SEAL's shared pointer does.
            Assert.Equal(pool, handle);
            Assert.Equal(4L, pool.UseCount);
        }

        plain.Dispose();
        other.Dispose();
        Assert.Equal(1L, pool.UseCount);
        Assert.Equal(0UL, pool.AllocByteCount);
        Assert.False(new Ckks.MemoryPoolHandle().IsInitialized);
        Assert.NotEqual(Ckks.MemoryPoolHandle.New(), Ckks.MemoryPoolHandle.New());
        Assert.Equal(Ckks.MemoryPoolHandle.Global(), Ckks.MemoryManager.GetPool(Ckks.MMProfOpt.ForceGlobal));
    }

    [Fact]
    public void ProfilesDecideWhichPoolNewObjectsUse()
    {
        var fixedPool = Ckks.MemoryPoolHandle.New();
        var previous = Ckks.MemoryManager.SwitchProfile(new Ckks.MMProfFixed(fixedPool));
        try
        {
            Assert.Equal(fixedPool, new Ckks.Ciphertext().Pool);
            Assert.IsType<Ckks.MMProfFixed>(Ckks.MemoryManager.SwitchProfile(new Ckks.MMProfNew()));
            Assert.NotEqual(Ckks.MemoryManager.GetPool(), Ckks.MemoryManager.GetPool());
        }
        finally
        {
            Ckks.MemoryManager.SwitchProfile(previous);
        }

        Assert.Throws<ArgumentNullException>(() => Ckks.MemoryManager.SwitchProfile(null!));
    }

    [Fact]
    public void DisposedObjectsThrowAndDisposeRunsOnce()
    {
        var ct = new Ckks.Ciphertext();
        ct.Dispose();
        Assert.True(ct.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => ct.Size);
        Assert.Throws<ObjectDisposedException>(() => ct.Pool);
        ct.Dispose();
        var modulus = new Ckks.Modulus(17);
        modulus.Dispose();
        Assert.Throws<ObjectDisposedException>(() => modulus.Value);
        var counting = new CountingDisposable();
        Parallel.For(0, 16, _ => counting.Dispose());
        Assert.Equal(1, counting.Count);
    }

    [Fact]
    public void EncryptionParametersCopyTheirModuli()
    {
        var parms = new Ckks.EncryptionParameters(Ckks.SchemeType.CKKS) { PolyModulusDegree = 8 };
        var primes = Ckks.CoeffModulus.Create(8, [40, 40]).ToList();
        parms.CoeffModulus = primes;
        primes[0].Set(17);
        Assert.NotEqual(17UL, parms.CoeffModulus.First().Value);
        parms.CoeffModulus.First().Set(19);
        Assert.NotEqual(19UL, parms.CoeffModulus.First().Value);
        var copy = new Ckks.EncryptionParameters();
        copy.Set(parms);
        Assert.Equal(parms, copy);
        Assert.Throws<InvalidOperationException>(() => parms.SetPlainModulus(65537));
        var bfv = new Ckks.EncryptionParameters(Ckks.SchemeType.BFV);
        bfv.SetPlainModulus(65537);
        Assert.Equal(65537UL, bfv.PlainModulus.Value);
    }

    [Fact]
    public void KeysAreAssignedByValue()
    {
        var context = SmallContext();
        using var first = new Ckks.KeyGenerator(context);
        using var second = new Ckks.KeyGenerator(context);
        var secret = first.SecretKey;
        var other = second.SecretKey;
        secret.Set(other);
        Assert.Equal(other.Data, secret.Data);
        Assert.Equal(Bytes(other.Save), Bytes(secret.Save));

        first.CreatePublicKey(out var publicKey);
        second.CreatePublicKey(out var otherPublic);
        publicKey.Set(otherPublic);
        Assert.Equal(Bytes(otherPublic.Save), Bytes(publicKey.Save));

        first.CreateRelinKeys(out var relinKeys);
        second.CreateRelinKeys(out var otherRelin);
        relinKeys.Set(otherRelin);
        Assert.Equal(Bytes(otherRelin.Save), Bytes(relinKeys.Save));

        var galois = new Ckks.GaloisKeys();
        second.CreateGaloisKeys(new[] { 1 }, out var otherGalois);
        galois.Set(otherGalois);
        Assert.True(galois.HasKey(Rlwe.GaloisElements.FromStep(1, 8)));
        Assert.Equal(Bytes(otherGalois.Save), Bytes(galois.Save));

        // A copy, not a shared key: changing the source afterwards leaves the assigned key as it was.
        var before = Bytes(secret.Save);
        other.Set(first.SecretKey);
        Assert.Equal(before, Bytes(secret.Save));
        Assert.Throws<ArgumentNullException>(() => secret.Set(null!));
    }

    private static byte[] Bytes(Func<Stream, Ckks.ComprModeType?, long> save)
    {
        using var stream = new MemoryStream();
        save(stream, Ckks.ComprModeType.None);
        return stream.ToArray();
    }

    private sealed class CountingDisposable : DisposableObject
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override void DisposeNativeResources()
        {
            Thread.Sleep(10);
            Interlocked.Increment(ref _count);
        }
    }
}
