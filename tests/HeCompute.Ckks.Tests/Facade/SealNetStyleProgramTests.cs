namespace HeCompute.Ckks.Tests.Facade;

/// <summary>
/// A program written the way SEALNet users write CKKS code (using-declarations, out parameters, SEALNet names and
/// argument order, explicit scale and level management). It compiles against SEALNet with only the namespace changed.
/// </summary>
public sealed class SealNetStyleProgramTests
{
    [Fact]
    public void EvaluatesPiXCubedPlusPointFourXPlusOne()
    {
        using EncryptionParameters parms = new EncryptionParameters(SchemeType.CKKS);
        ulong polyModulusDegree = 8192;
        parms.PolyModulusDegree = polyModulusDegree;
        parms.CoeffModulus = CoeffModulus.Create(polyModulusDegree, new int[] { 60, 40, 40, 60 });
        double scale = Math.Pow(2.0, 40);

        using SEALContext context = new SEALContext(parms);
        using KeyGenerator keygen = new KeyGenerator(context);
        using SecretKey secretKey = keygen.SecretKey;
        keygen.CreatePublicKey(out PublicKey publicKey);
        keygen.CreateRelinKeys(out RelinKeys relinKeys);
        using Encryptor encryptor = new Encryptor(context, publicKey);
        using Evaluator evaluator = new Evaluator(context);
        using Decryptor decryptor = new Decryptor(context, secretKey);
        using CKKSEncoder encoder = new CKKSEncoder(context);

        ulong slotCount = encoder.SlotCount;
        var input = new List<double>((int)slotCount);
        for (ulong i = 0; i < slotCount; i++)
        {
            input.Add(i / (slotCount - 1.0));
        }

        using Plaintext plainCoeff3 = new Plaintext(), plainCoeff1 = new Plaintext(), plainCoeff0 = new Plaintext();
        encoder.Encode(3.14159265, scale, plainCoeff3);
        encoder.Encode(0.4, scale, plainCoeff1);
        encoder.Encode(1.0, scale, plainCoeff0);

        using Plaintext xPlain = new Plaintext();
        encoder.Encode(input, scale, xPlain);
        using Ciphertext x1Encrypted = new Ciphertext();
        encryptor.Encrypt(xPlain, x1Encrypted);

        using Ciphertext x3Encrypted = new Ciphertext();
        evaluator.Square(x1Encrypted, x3Encrypted);
        evaluator.RelinearizeInplace(x3Encrypted, relinKeys);
        evaluator.RescaleToNextInplace(x3Encrypted);

        using Ciphertext x1EncryptedCoeff3 = new Ciphertext();
        evaluator.MultiplyPlain(x1Encrypted, plainCoeff3, x1EncryptedCoeff3);
        evaluator.RescaleToNextInplace(x1EncryptedCoeff3);

        evaluator.MultiplyInplace(x3Encrypted, x1EncryptedCoeff3);
        evaluator.RelinearizeInplace(x3Encrypted, relinKeys);
        evaluator.RescaleToNextInplace(x3Encrypted);

        evaluator.MultiplyPlainInplace(x1Encrypted, plainCoeff1);
        evaluator.RescaleToNextInplace(x1Encrypted);

        // The scales differ by the ratio of primes to 2^40; SEAL users overwrite them with the nominal value.
        x3Encrypted.Scale = Math.Pow(2.0, 40);
        x1Encrypted.Scale = Math.Pow(2.0, 40);
        ParmsId lastParmsId = x3Encrypted.ParmsId;
        evaluator.ModSwitchToInplace(x1Encrypted, lastParmsId);
        evaluator.ModSwitchToInplace(plainCoeff0, lastParmsId);

        using Ciphertext encryptedResult = new Ciphertext();
        evaluator.Add(x3Encrypted, x1Encrypted, encryptedResult);
        evaluator.AddPlainInplace(encryptedResult, plainCoeff0);

        using Plaintext plainResult = new Plaintext();
        decryptor.Decrypt(encryptedResult, plainResult);
        var result = new List<double>();
        encoder.Decode(plainResult, result);

        Assert.Equal(context.LastParmsId, encryptedResult.ParmsId);
        for (var i = 0; i < input.Count; i++)
        {
            var x = input[i];
            var expected = (3.14159265 * x * x * x) + (0.4 * x) + 1.0;
            Assert.True(Math.Abs(result[i] - expected) < 1e-3, $"slot {i}: {result[i]} vs {expected}");
        }

        publicKey.Dispose();
        relinKeys.Dispose();
    }
}
