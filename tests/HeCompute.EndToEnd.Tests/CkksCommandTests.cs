using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.EndToEnd.Tests;

/// <summary>The local <c>hecompute ckks</c> commands, run as processes.</summary>
public sealed class CkksCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CliProcess _cli;

    public CkksCommandTests() => _cli = new CliProcess(new Uri("http://127.0.0.1:9"), Path.Combine(_directory.Path, "keys"));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Bounds_list_the_standards_limits()
    {
        var rows = await _cli.JsonAsync(string.Empty, "ckks", "bounds", "--n", "8192", "32768");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(218, rows[0].GetProperty("max_bits128").GetInt32());
        Assert.Equal(881, rows[1].GetProperty("max_bits128").GetInt32());
        Assert.Equal(16384, rows[1].GetProperty("slots").GetInt32());
    }

    [Fact]
    public async Task Precision_is_measured_and_too_large_chains_are_refused()
    {
        var rows = await _cli.JsonAsync(string.Empty, "ckks", "precision", "--n", "4096", "8192", "--scale-bits", "30", "--depth", "1");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Contains("128-bit bound", rows[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.InRange(rows[1].GetProperty("precision_bits").GetDouble(), 8, 20);
        Assert.Equal(130, rows[1].GetProperty("total_bits").GetInt32());
    }

    [Fact]
    public async Task Inspect_reads_a_ciphertexts_level_and_scale_and_refuses_garbage()
    {
        var parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [50, 30, 30, 50]));
        var context = Parameters.Create(parms);
        using var keygen = new KeyGenerator(context);
        var encoder = new Encoder(context);
        var encryptor = new Encryptor(context, keygen.SecretKey);
        var evaluator = new Evaluator(context);
        using var plain = new Plaintext();
        encoder.Encode(0.25, Math.Pow(2, 30), plain);
        using var ciphertext = new Ciphertext();
        encryptor.EncryptSymmetric(plain, ciphertext);
        evaluator.ModSwitchToNextInplace(ciphertext);
        var parmsPath = Path.Combine(_directory.Path, "parms.seal");
        var ciphertextPath = Path.Combine(_directory.Path, "ct.seal");
        await using (var stream = File.Create(parmsPath))
        {
            parms.Save(stream, CompressionMode.Zstd);
        }

        await using (var stream = File.Create(ciphertextPath))
        {
            ciphertext.Save(stream, CompressionMode.Zlib);
        }

        var described = await _cli.JsonAsync(string.Empty, "ckks", "inspect", ciphertextPath, "--parms", parmsPath);
        Assert.Equal("zlib", described.GetProperty("header").GetProperty("compression").GetString());
        Assert.Equal(8192, described.GetProperty("poly_modulus_degree").GetInt32());
        Assert.Equal(1, described.GetProperty("level").GetInt32());
        Assert.Equal(80, described.GetProperty("modulus_bits").GetInt32());
        Assert.Equal(30, described.GetProperty("scale_bits").GetDouble(), 9);

        var garbage = Path.Combine(_directory.Path, "garbage.seal");
        await File.WriteAllBytesAsync(garbage, [.. Enumerable.Range(0, 64).Select(i => (byte)i)]);
        var (code, stdout, _) = await _cli.RunAsync(string.Empty, "ckks", "inspect", garbage, "--json");
        Assert.Equal(1, code);
        Assert.Contains("SEAL", stdout, StringComparison.Ordinal);
    }
}
