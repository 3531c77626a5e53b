namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// The human-readable (non --json) output, which goes through Spectre.Console's markup: text with square brackets
/// (step lists, offsets) must be escaped, or the command fails after the work is done.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CliHumanOutputTests(ServerFixture server) : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task DemoPrintsItsTablesWithoutJson()
    {
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "keys"));
        var (code, stdout, stderr) = await cli.RunAsync(ServerFixture.AdminKey, "demo", "--images", "4", "--out", Path.Combine(_work.Path, "demo"));
        Assert.True(code == 0, $"exit {code}\nstdout: {stdout}\nstderr: {stderr}");
        Assert.Contains("Galois steps [", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("largest |encrypted − plain| logit", stdout, StringComparison.Ordinal);
    }
}
