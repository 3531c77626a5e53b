using System.Globalization;
using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// <c>stats</c> through the CLI on a dataset planned for encrypted finishing and noise flooding: every result the
/// server returns, decrypted and checked against double precision on the plaintext rows.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class StatisticsWorkflowTests(ServerFixture server) : IDisposable
{
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task EncryptedFinishNoiseFloodingAndHistogramBinsMatchDoublePrecision()
    {
        var (_, keys) = await server.NewTenantAsync("stats hospital", [Roles.Hospital]);
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "keys"));
        var created = await cli.JsonAsync(
            keys[0], "dataset", "create", "--name", "finished", "--features", "age,size", "--lower", "0,0", "--upper", "100,20",
            "--categories", "under50,over50", "--encrypted-finish", "--max-records", "1000", "--precision-bits", "8");
        var datasetId = created.GetProperty("id").GetString()!;
        Assert.True(created.GetProperty("encrypted_finish").GetBoolean());
        Assert.Equal(16384, created.GetProperty("plan").GetProperty("parameters").GetProperty("poly_modulus_degree").GetInt32());
        await cli.JsonAsync(keys[0], "keys", "init", "--dataset", datasetId);

        // 8 bits keep the finishing circuit (9 levels) at N = 16384; 12 bits would need N = 32768.
        // Ages in one-hot bins [0, 50) and [50, 100]: the bin counts are a histogram of the ages.
        var random = new Random(21);
        var rows = Enumerable.Range(0, 40).Select(_ => (Age: Math.Round(20 + (65 * random.NextDouble()), 1), Size: Math.Round(2 + (14 * random.NextDouble()), 2))).ToList();
        Directory.CreateDirectory(_work.Path);
        var csv = Path.Combine(_work.Path, "rows.csv");
        await File.WriteAllLinesAsync(csv, ["age,size,under50,over50", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Age},{r.Size},{(r.Age < 50 ? 1 : 0)},{(r.Age < 50 ? 0 : 1)}"))]);
        await cli.JsonAsync(keys[0], "dataset", "upload", "--dataset", datasetId, csv);

        double[][] columns = [[.. rows.Select(r => r.Age)], [.. rows.Select(r => r.Size)]];
        var means = columns.Select(c => c.Average()).ToArray();
        var variances = columns.Select((c, i) => c.Sum(x => (x - means[i]) * (x - means[i])) / (c.Length - 1)).ToArray();

        var exact = await cli.JsonAsync(keys[0], "stats", datasetId, "--encrypted-finish");
        Assert.Equal((40, 1, 0), (exact.GetProperty("records").GetInt64(), exact.GetProperty("batches").GetInt32(), exact.GetProperty("noise_flooding_bits").GetInt32()));
        var finished = exact.GetProperty("encrypted_finish");
        var statistics = exact.GetProperty("statistics");

        // Oracle: two-pass double precision, within the plan's bound (results over n, in scaled units; the square root
        // adds its approximation error).
        var precision = created.GetProperty("plan").GetProperty("precision");
        var bound = precision.GetProperty("expected_max_abs_error").GetDouble();
        var sqrtError = precision.GetProperty("approximation_max_abs_error").GetDouble();
        for (var c = 0; c < 2; c++)
        {
            var s = created.GetProperty("scales")[c].GetDouble();
            Near(means[c], finished.GetProperty("means")[c].GetDouble(), bound * s, $"encrypted mean {c}");
            Near(variances[c], finished.GetProperty("variances")[c].GetDouble(), bound * s * s, $"encrypted variance {c}");
            Near(Math.Sqrt(variances[c]), finished.GetProperty("standard_deviations")[c].GetDouble(), (bound + sqrtError) * s, $"encrypted std {c}");
            Near(means[c], statistics.GetProperty("means")[c].GetDouble(), bound * s, $"client mean {c}");
            Near(variances[c], statistics.GetProperty("variances")[c].GetDouble(), bound * s * s, $"client variance {c}");
        }

        var bins = statistics.GetProperty("groups");
        var young = rows.Where(r => r.Age < 50).ToList();
        Assert.Equal(young.Count, bins[0].GetProperty("count").GetDouble(), 3);
        Assert.Equal(rows.Count - young.Count, bins[1].GetProperty("count").GetDouble(), 3);
        Assert.Equal((double)young.Count / rows.Count, bins[0].GetProperty("fraction").GetDouble(), 4);
        Assert.Equal(young.Average(r => r.Size), bins[0].GetProperty("means")[1].GetDouble(), 2);

        // The server returns the group sums of squares, so the CLI prints group variances: equal to double precision.
        var youngMean = young.Average(r => r.Size);
        var youngVariance = young.Sum(r => (r.Size - youngMean) * (r.Size - youngMean)) / (young.Count - 1);
        Assert.Equal(youngVariance, bins[0].GetProperty("variances")[1].GetDouble(), youngVariance * 1e-2);

        // --noise-flooding on a dataset planned without it is refused by the server, as problem details.
        var (code, stdout, _) = await cli.RunAsync(keys[0], "stats", datasetId, "--noise-flooding", "--json");
        Assert.Equal(2, code);
        Assert.Equal(ProblemTypes.Validation, JsonDocument.Parse(stdout).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task NoiseFloodedStatisticsStayWithinThePlannedBound()
    {
        // Flooding takes 33 of the first prime's 60 bits, so the planner only fits tiny sums: 4 records, 1 bit.
        var (_, keys) = await server.NewTenantAsync("flooding hospital", [Roles.Hospital]);
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "keys"));
        var created = await cli.JsonAsync(
            keys[0], "dataset", "create", "--name", "flooded", "--features", "age,size", "--lower", "0,0", "--upper", "100,20",
            "--noise-flooding", "--max-records", "4", "--precision-bits", "1");
        var datasetId = created.GetProperty("id").GetString()!;
        await cli.JsonAsync(keys[0], "keys", "init", "--dataset", datasetId);
        (double Age, double Size)[] rows = [(40, 5.5), (61, 7.25), (35.5, 3), (72, 9)];
        Directory.CreateDirectory(_work.Path);
        var csv = Path.Combine(_work.Path, "flooded.csv");
        await File.WriteAllLinesAsync(csv, ["age,size", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Age},{r.Size}"))]);
        await cli.JsonAsync(keys[0], "dataset", "upload", "--dataset", datasetId, csv);

        var flooded = await cli.JsonAsync(keys[0], "stats", datasetId, "--noise-flooding");
        Assert.True(flooded.GetProperty("noise_flooding_bits").GetInt32() > 0);
        var plan = created.GetProperty("plan");
        var bound = plan.GetProperty("precision").GetProperty("expected_max_abs_error").GetDouble();
        double[][] columns = [[.. rows.Select(r => r.Age)], [.. rows.Select(r => r.Size)]];
        for (var c = 0; c < 2; c++)
        {
            var scale = created.GetProperty("scales")[c].GetDouble();
            var mean = flooded.GetProperty("statistics").GetProperty("means")[c].GetDouble();
            Assert.True(Math.Abs(mean - columns[c].Average()) <= bound * scale, $"flooded mean {c}: {mean} vs {columns[c].Average()}, bound {bound * scale}");
        }
    }

    public void Dispose() => _work.Dispose();

    private static void Near(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: {actual} vs {expected} (tolerance {tolerance})");
}
