using System.Globalization;
using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// A dataset owned by one hospital, with records from two contributing hospitals that hold no keys: they encrypt under
/// the owner's public key, and the owner's statistics cover every record.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ContributorWorkflowTests(ServerFixture server) : IDisposable
{
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task TwoContributorsWithoutKeysAppendAndTheOwnersStatisticsCoverAllRecords()
    {
        var (_, ownerKeys) = await server.NewTenantAsync("owner hospital", [Roles.Hospital]);
        var (tenantA, keysA) = await server.NewTenantAsync("contributor a", [Roles.Hospital]);
        var (tenantB, keysB) = await server.NewTenantAsync("contributor b", [Roles.Hospital]);
        var (_, outsiderKeys) = await server.NewTenantAsync("outsider", [Roles.Hospital]);
        var owner = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "owner-keys"));

        var created = await owner.JsonAsync(ownerKeys[0], "dataset", "create", "--name", "multi-site", "--features", "age,size", "--lower", "0,0", "--upper", "100,20", "--categories", "treated");
        var datasetId = created.GetProperty("id").GetString()!;
        var init = await owner.JsonAsync(ownerKeys[0], "keys", "init", "--dataset", datasetId);
        var fingerprint = init.GetProperty("public_key_sha256").GetString()!;
        var added = await owner.JsonAsync(ownerKeys[0], "dataset", "contributors", "add", "--dataset", datasetId, tenantA);
        Assert.Equal(fingerprint, added.GetProperty("public_key_sha256").GetString());
        await owner.JsonAsync(ownerKeys[0], "dataset", "contributors", "add", "--dataset", datasetId, tenantB);

        var random = new Random(11);
        var sites = new List<(double Age, double Size, double Treated)>[3];
        for (var s = 0; s < sites.Length; s++)
        {
            sites[s] = [];
            for (var i = 0; i < 12 + (5 * s); i++)
            {
                var treated = random.Next(2);
                sites[s].Add((Math.Round(25 + (60 * random.NextDouble()), 1), Math.Round(1 + (12 * random.NextDouble()) + (3 * treated), 2), treated));
            }
        }

        var csvs = new string[sites.Length];
        for (var s = 0; s < sites.Length; s++)
        {
            csvs[s] = await WriteCsvAsync($"site{s}.csv", sites[s]);
        }

        var ownerUpload = await owner.JsonAsync(ownerKeys[0], "dataset", "upload", "--dataset", datasetId, csvs[0]);
        Assert.False(ownerUpload.GetProperty("contributor").GetBoolean());

        // Contributors: empty key stores and no passphrase; A detects it does not own the dataset and pins the owner's
        // fingerprint, B says --contributor with the positional dataset id.
        var contributorA = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "a-keys"), withPassphrase: false);
        var listed = Assert.Single((await contributorA.JsonAsync(keysA[0], "dataset", "list")).GetProperty("items").EnumerateArray());
        Assert.False(listed.GetProperty("owned").GetBoolean());
        var uploadA = await contributorA.JsonAsync(keysA[0], "dataset", "upload", "--dataset", datasetId, "--public-key-sha256", fingerprint, csvs[1]);
        Assert.True(uploadA.GetProperty("contributor").GetBoolean());
        Assert.Equal(fingerprint, uploadA.GetProperty("public_key_sha256").GetString());
        Assert.Equal(sites[1].Count, uploadA.GetProperty("records").GetInt32());
        var contributorB = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "b-keys"), withPassphrase: false);
        var uploadB = await contributorB.JsonAsync(keysB[0], "dataset", "upload", datasetId, csvs[2], "--contributor");
        Assert.Equal(fingerprint, uploadB.GetProperty("public_key_sha256").GetString());
        Assert.False(Directory.Exists(Path.Combine(_work.Path, "a-keys")) || Directory.Exists(Path.Combine(_work.Path, "b-keys")));

        // A pin that does not match is refused locally, before anything is appended.
        var (pinCode, pinOut, _) = await contributorA.RunAsync(keysA[0], "dataset", "upload", "--dataset", datasetId, "--public-key-sha256", new string('0', 64), csvs[1], "--json");
        Assert.Equal(1, pinCode);
        Assert.Contains("refusing", JsonDocument.Parse(pinOut).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A tenant that was not added sees no such dataset.
        var outsider = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "outsider-keys"), withPassphrase: false);
        var (code, stdout, _) = await outsider.RunAsync(outsiderKeys[0], "dataset", "upload", "--dataset", datasetId, csvs[1], "--contributor", "--json");
        Assert.Equal(2, code);
        Assert.Equal(ProblemTypes.NotFound, JsonDocument.Parse(stdout).RootElement.GetProperty("type").GetString());

        var stats = (await owner.JsonAsync(ownerKeys[0], "stats", datasetId)).GetProperty("statistics");
        var all = sites.SelectMany(s => s).ToList();
        Assert.Equal(all.Count, stats.GetProperty("count").GetDouble(), 3);
        double[][] columns = [[.. all.Select(r => r.Age)], [.. all.Select(r => r.Size)]];
        for (var c = 0; c < columns.Length; c++)
        {
            var mean = columns[c].Average();
            var variance = columns[c].Sum(x => (x - mean) * (x - mean)) / (all.Count - 1);
            Assert.Equal(mean, stats.GetProperty("means")[c].GetDouble(), 3);
            Assert.True(Math.Abs(variance - stats.GetProperty("variances")[c].GetDouble()) <= 1e-3 * variance, $"variance {c}: {stats.GetProperty("variances")[c]} vs {variance}");
        }

        var treatedRows = all.Where(r => r.Treated == 1).ToList();
        var group = stats.GetProperty("groups")[0];
        Assert.Equal(treatedRows.Count, group.GetProperty("count").GetDouble(), 3);
        Assert.Equal(treatedRows.Average(r => r.Size), group.GetProperty("means")[1].GetDouble(), 3);
    }

    public void Dispose() => _work.Dispose();

    private async Task<string> WriteCsvAsync(string name, IEnumerable<(double Age, double Size, double Treated)> rows)
    {
        Directory.CreateDirectory(_work.Path);
        var path = Path.Combine(_work.Path, name);
        await File.WriteAllLinesAsync(path, ["age,size,treated", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Age},{r.Size},{r.Treated}"))]);
        return path;
    }
}
