using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace HeCompute.Ckks.Tests.Interop;

/// <summary>
/// Smoke tests of the SEAL oracle harness against SEAL itself (no HeCompute code involved):
/// if these fail, the cross-engine interop tests cannot be trusted.
/// </summary>
public sealed class NodeSealHarnessTests
{
    private const double Scale = 1099511627776.0; // 2^40

    [Fact]
    public void SealEncryptDecryptRoundTripsThroughTheOracle()
    {
        using var dir = NodeSeal.CreateTempDir();
        NodeSeal.Run("keygen", new { dir = dir.Path, n = 8192, bits = new[] { 60, 40, 40, 60 }, relin = false, galois = false });

        const int slots = 4096;
        double[] real = new double[slots];
        double[] imag = new double[slots];
        for (int j = 0; j < slots; j++)
        {
            real[j] = Math.Sin(0.1 * j) * 10.0;
            imag[j] = Math.Cos(0.07 * j) - 0.5;
        }

        JsonElement enc = NodeSeal.Run(
            "encrypt",
            new { dir = dir.Path, real, imag, scale = Scale, @out = "ct.bin", mode = "public" });
        Assert.Equal(2, enc.GetProperty("chainIndex").GetInt32());
        Assert.Equal(Scale, enc.GetProperty("scale").GetDouble());
        Assert.True(File.Exists(dir.File("ct.bin")));

        JsonElement dec = NodeSeal.Run("decrypt", new { dir = dir.Path, @in = "ct.bin" });
        double[] gotReal = ToDoubles(dec.GetProperty("real"));
        double[] gotImag = ToDoubles(dec.GetProperty("imag"));
        Assert.Equal(slots, gotReal.Length);
        Assert.Equal(slots, gotImag.Length);
        for (int j = 0; j < slots; j++)
        {
            Assert.True(Math.Abs(gotReal[j] - real[j]) < 1e-6, $"real slot {j}: {gotReal[j]} vs {real[j]}");
            Assert.True(Math.Abs(gotImag[j] - imag[j]) < 1e-6, $"imag slot {j}: {gotImag[j]} vs {imag[j]}");
        }
    }

    [Fact]
    public void ContextGivesDistinctNttFriendlyPrimesForN8192()
    {
        JsonElement ctx = NodeSeal.Run("context", new { n = 8192, bits = new[] { 60, 40, 40, 60 } });

        BigInteger[] primes = [.. ctx.GetProperty("primes").EnumerateArray()
            .Select(p => BigInteger.Parse(p.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture))];
        Assert.Equal(4, primes.Length);
        Assert.Equal(4, primes.Distinct().Count());
        int[] expectedBits = [60, 40, 40, 60];
        for (int i = 0; i < primes.Length; i++)
        {
            Assert.Equal(BigInteger.One, primes[i] % 16384);
            Assert.Equal(expectedBits[i], (int)primes[i].GetBitLength());
        }

        string[] parmsIds = [.. ctx.GetProperty("parmsIds").EnumerateArray().Select(p => p.GetString()!)];
        Assert.Equal(4, parmsIds.Length); // key level + 3 data levels
        Assert.All(parmsIds, id => Assert.Matches("^[0-9a-f]{64}$", id));
        Assert.Equal(4, parmsIds.Distinct().Count());
        Assert.Equal(parmsIds[1], ctx.GetProperty("firstParmsId").GetString());
    }

    [Fact]
    public void SealLoadFailuresPropagateAsClearErrors()
    {
        using var dir = NodeSeal.CreateTempDir();
        NodeSeal.Run("context", new { n = 8192, bits = new[] { 60, 40, 40, 60 }, dir = dir.Path });
        File.WriteAllBytes(dir.File("garbage.bin"), [0x5E, 0xA1, 0x10, 0x04, 0x01, 0x00, 0x00, 0x00, 0xFF]);

        string error = NodeSeal.RunExpectingFailure("roundtrip", new { dir = dir.Path, kind = "ciphertext", @in = "garbage.bin" });
        Assert.Contains("cannot load ciphertext", error, StringComparison.Ordinal);

        var ex = Assert.Throws<NodeSealException>(() => NodeSeal.Run("decrypt", new { dir = dir.Path, @in = "missing.bin" }));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    private static double[] ToDoubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}
