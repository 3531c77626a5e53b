using HeCompute.Ckks;

namespace HeCompute.Ckks.Tests.Facade;

/// <summary>The README's example, as written there (only the assertions are added), with <c>using HeCompute.Ckks;</c> alone.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExampleComputesTheSquares()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        parms.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 40, 60]);
        var context = new SEALContext(parms);                 // ParametersSet is false below 128-bit security
        var keygen = new KeyGenerator(context);
        keygen.CreatePublicKey(out var publicKey);
        keygen.CreateRelinKeys(out var relinKeys);
        var encoder = new CKKSEncoder(context);
        var plain = new Plaintext();
        encoder.Encode(new[] { 1.0, 2.0, 3.0 }, Math.Pow(2, 40), plain);
        var ct = new Ciphertext();
        new Encryptor(context, publicKey).Encrypt(plain, ct);
        var evaluator = new Evaluator(context);
        evaluator.SquareInplace(ct);
        evaluator.RelinearizeInplace(ct, relinKeys);
        evaluator.RescaleToNextInplace(ct);
        new Decryptor(context, keygen.SecretKey).Decrypt(ct, plain);
        var result = new List<double>();
        encoder.Decode(plain, result);                        // ≈ 1, 4, 9, 0, …

        Assert.Equal(4096, result.Count);
        double[] expected = [1, 4, 9, 0, 0];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(result[i] - expected[i]) < 1e-4, $"slot {i}: {result[i]} vs {expected[i]}");
        }
    }

    /// <summary>The README's SEALNet code block is, line for line, the program above.</summary>
    [Fact]
    public void ReadmeShowsThisProgram()
    {
        var root = Interop.NodeSeal.RepoRoot;
        var source = File.ReadAllLines(Path.Combine(root, "tests", "HeCompute.Ckks.Tests", "Facade", "ReadmeExampleTests.cs"))
            .Select(line => line.Trim()).ToHashSet();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        const string Marker = "runs it as written):";
        var start = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "the README no longer introduces the SEALNet example");
        var block = readme[(readme.IndexOf("```csharp", start, StringComparison.Ordinal) + "```csharp".Length)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var lines = block.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        Assert.Contains("using HeCompute.Ckks;", lines);
        Assert.All(lines, line => Assert.Contains(line, source));
    }
}
