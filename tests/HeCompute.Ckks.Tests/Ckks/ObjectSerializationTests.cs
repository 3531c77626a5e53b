using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Ckks;

/// <summary>Our own save → load round trips, seeded forms, and hostile bytes. SEAL's side is in the interop tests.</summary>
public sealed class ObjectSerializationTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    public static TheoryData<CompressionMode> Modes => [CompressionMode.None, CompressionMode.Zlib, CompressionMode.Zstd];

    private static byte[] Save(Func<Stream, long> save, long expectedBound)
    {
        using var stream = new MemoryStream();
        var written = save(stream);
        Assert.Equal(stream.Length, written);
        Assert.True(written <= expectedBound, $"wrote {written} bytes, SaveSize said at most {expectedBound}");
        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void CiphertextRoundTrips(CompressionMode mode)
    {
        var values = f.RandomComplex(30);
        var ct = f.Encrypt(values);
        var bytes = Save(s => ct.Save(s, mode), ct.SaveSize(mode));
        if (mode == CompressionMode.None)
        {
            Assert.Equal(113 + (8L * 2 * 3 * 8192), bytes.Length);
        }

        var loaded = new Ciphertext();
        loaded.Load(f.Context, new MemoryStream(bytes));
        Assert.True(ct.Data.SequenceEqual(loaded.Data));
        Assert.Equal(ct.Scale, loaded.Scale);
        Assert.Equal(ct.ParmsId, loaded.ParmsId);
    }

    [Fact]
    public void SeededSymmetricCiphertextIsHalfTheSizeAndExpandsToTheSameCiphertext()
    {
        var values = f.RandomComplex(31);
        var plain = new Plaintext();
        f.Encoder.Encode(values, CkksFixture.Scale, plain);
        var seeded = f.Encryptor.EncryptSymmetric(plain);
        var bytes = Save(s => seeded.Save(s, CompressionMode.None), seeded.SaveSize(CompressionMode.None));
        Assert.Equal(113 + (8L * 3 * 8192) + 16 + 1 + 64, bytes.Length);
        var loaded = new Ciphertext();
        loaded.Load(f.Context, new MemoryStream(bytes));
        CkksFixture.AssertPrecision(values, f.Decrypt(loaded), 20);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void KeysRoundTrip(CompressionMode mode)
    {
        var secret = new SecretKey();
        secret.Load(f.Context, new MemoryStream(Save(s => f.Keygen.SecretKey.Save(s, mode), f.Keygen.SecretKey.SaveSize(mode))));
        Assert.True(secret.Data.Data.SequenceEqual(f.Keygen.SecretKey.Data.Data));

        var publicKey = new PublicKey();
        publicKey.Load(f.Context, new MemoryStream(Save(s => f.PublicKey.Save(s, mode), f.PublicKey.SaveSize(mode))));
        Assert.True(publicKey.Data.Data.SequenceEqual(f.PublicKey.Data.Data));

        var relin = new RelinKeys();
        relin.Load(f.Context, new MemoryStream(Save(s => f.RelinKeys.Save(s, mode), f.RelinKeys.SaveSize(mode))));
        Assert.NotNull(relin.SquareKey);

        var galois = new GaloisKeys();
        galois.Load(f.Context, new MemoryStream(Save(s => f.GaloisKeys.Save(s, mode), f.GaloisKeys.SaveSize(mode))));
        Assert.Equal(f.GaloisKeys.GaloisElements, galois.GaloisElements);

        var parms = ParametersLiteral.Load(new MemoryStream(Save(s => f.Parms.Save(s, mode), f.Parms.SaveSize(mode))));
        Assert.Equal(f.Parms.ParmsId, parms.ParmsId);
    }

    [Fact]
    public void SeededKeysWorkAfterLoading()
    {
        var relinBytes = Save(s => f.Keygen.CreateSeededRelinKeys().Save(s, CompressionMode.None), long.MaxValue);
        Assert.Equal(787_078, relinBytes.Length);
        var relin = new RelinKeys();
        relin.Load(f.Context, new MemoryStream(relinBytes));
        var galois = new GaloisKeys();
        galois.Load(f.Context, new MemoryStream(Save(s => f.Keygen.CreateSeededGaloisKeys(new[] { 3 }).Save(s, CompressionMode.Zstd), long.MaxValue)));

        var a = f.RandomComplex(32);
        var ct = f.Encrypt(a);
        f.Evaluator.SquareInplace(ct);
        f.Evaluator.RelinearizeInplace(ct, relin);
        f.Evaluator.RescaleToNextInplace(ct);
        f.Evaluator.RotateVectorInplace(ct, 3, galois);
        var expected = Enumerable.Range(0, a.Length).Select(i => a[(i + 3) % a.Length] * a[(i + 3) % a.Length]).ToArray();
        CkksFixture.AssertPrecision(expected, f.Decrypt(ct), 20);
    }

    [Fact]
    public void LoadRefusesObjectsOfAnotherContextOrKind()
    {
        var other = new ParametersLiteral(4096, CoeffModulus.Create(4096, [40, 30, 30]));
        var otherContext = Parameters.Create(other);
        var bytes = Save(s => f.Encrypt(f.RandomComplex(33)).Save(s, CompressionMode.None), long.MaxValue);
        Assert.Throws<SealFormatException>(() => new Ciphertext().Load(otherContext, new MemoryStream(bytes)));
        Assert.Throws<SealFormatException>(() => new PublicKey().Load(f.Context, new MemoryStream(bytes)));
        Assert.Throws<SealFormatException>(() => new RelinKeys().Load(f.Context, new MemoryStream(bytes)));
        Assert.ThrowsAny<SealException>(() => new Ciphertext().Load(f.Context, new MemoryStream(bytes), 1000));
    }

    [Fact]
    public void UnreducedCoefficientsAreRefused()
    {
        var ct = f.Encrypt(f.RandomComplex(34));
        ct[5] = f.Context.FirstLevel.Primes[0];
        var bytes = Save(s => ct.Save(s, CompressionMode.None), long.MaxValue);
        var error = Assert.Throws<SealFormatException>(() => new Ciphertext().Load(f.Context, new MemoryStream(bytes)));
        Assert.Contains("not reduced", error.Message);
    }

    /// <summary>Random flips, cuts and huge declared sizes: only the engine's documented exceptions, never a crash or a hang.</summary>
    [Fact]
    public void MutatedAndTruncatedObjectsRaiseOnlyDocumentedExceptions()
    {
        var small = new ParametersLiteral(1024, CoeffModulus.Create(1024, [27]));
        var context = Parameters.Create(small);
        var keygen = new KeyGenerator(context);
        var encoder = new Encoder(context);
        var plain = new Plaintext();
        encoder.Encode(new[] { 1.0, 2.0 }, 1 << 10, plain);
        var encryptor = new Encryptor(context, keygen.SecretKey);
        var samples = new List<(string Kind, byte[] Bytes)>();
        foreach (var mode in new[] { CompressionMode.None, CompressionMode.Zlib, CompressionMode.Zstd })
        {
            var ct = new Ciphertext();
            encryptor.EncryptSymmetric(plain, ct);
            samples.Add(("ct", Save(s => ct.Save(s, mode), long.MaxValue)));
            samples.Add(("ct", Save(s => encryptor.EncryptSymmetric(plain).Save(s, mode), long.MaxValue)));
            samples.Add(("sk", Save(s => keygen.SecretKey.Save(s, mode), long.MaxValue)));
            samples.Add(("parms", Save(s => small.Save(s, mode), long.MaxValue)));
        }

        var random = new Random(1234);
        var attempts = 0;
        foreach (var (kind, original) in samples)
        {
            for (var trial = 0; trial < 150; trial++)
            {
                var mutated = (byte[])original.Clone();
                switch (trial % 3)
                {
                    case 0:
                        for (var flips = random.Next(1, 4); flips > 0; flips--)
                        {
                            mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                        }

                        break;
                    case 1:
                        mutated = mutated[..random.Next(mutated.Length)];
                        break;
                    default:
                        var at = random.Next(Math.Max(1, mutated.Length - 8));
                        BitConverter.TryWriteBytes(mutated.AsSpan(at), random.Next(2) == 0 ? ulong.MaxValue : (ulong)random.NextInt64());
                        break;
                }

                attempts++;
                try
                {
                    using var stream = new MemoryStream(mutated);
                    switch (kind)
                    {
                        case "ct":
                            new Ciphertext().Load(context, stream);
                            break;
                        case "sk":
                            new SecretKey().Load(context, stream);
                            break;
                        default:
                            ParametersLiteral.Load(stream);
                            break;
                    }
                }
                catch (SealException)
                {
                    // The documented outcome for corrupt input.
                }
            }
        }

        Assert.Equal(samples.Count * 150, attempts);
    }
}
