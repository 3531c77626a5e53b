namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// The human-readable (non --json) output, which goes through Spectre.Console's markup: text with square brackets
/// (step lists, offsets) must be escaped, or the command fails after the work is done.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CliHumanOutputTests(ServerFixture server) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "hecompute-e2e-human-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task DemoPrintsItsTablesWithoutJson()
    {
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work, "keys"));
        var (code, stdout, stderr) = await cli.RunAsync(ServerFixture.AdminKey, "demo", "--images", "4", "--out", Path.Combine(_work, "demo"));
        Assert.True(code == 0, $"exit {code}\nstdout: {stdout}\nstderr: {stderr}");
        Assert.Contains("Galois steps [", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("largest |encrypted − plain| logit", stdout, StringComparison.Ordinal);
    }
}
