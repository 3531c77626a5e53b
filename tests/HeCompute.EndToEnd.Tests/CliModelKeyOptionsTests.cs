using HeCompute.Contracts;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// <c>hecompute models register --preset --key-budget --widen-intervals</c> against the real server: the options reach
/// the plan (its <c>key_choice</c> and <c>widened_intervals</c>), and a budget below every layout exits non-zero with
/// the <c>model-not-plannable</c> problem.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CliModelKeyOptionsTests(ServerFixture server) : IDisposable
{
    /// <summary>A degree-7 sigmoid declared on [−1, 1] whose inputs reach ±3.5: refused unless widened.</summary>
    private const string NarrowSigmoid = """
        {"format":"hecompute-model","formatVersion":1,"kind":"mlp","input":{"features":["a","b"],"lower":[-1,-1],"upper":[1,1]},
         "layers":[{"type":"dense","weights":[[1.75,1.75],[1.75,-1.75]],"bias":[0,0]},
                   {"type":"activation","function":"sigmoid","lower":-1,"upper":1,"degree":7},
                   {"type":"dense","weights":[[1,-1]],"bias":[0]}]}
        """;

    private readonly TempDirectory _work = new();

    private CliProcess Cli => new(server.BaseAddress, Path.Combine(_work.Path, "keys"));

    [Fact]
    public async Task RegisterPassesThePresetTheBudgetAndTheWidening()
    {
        var (_, keys) = await server.NewTenantAsync("cli key options", [Roles.ModelAdmin]);
        var path = Path.Combine(_work.Path, "narrow.json");
        await File.WriteAllTextAsync(path, NarrowSigmoid);

        var registered = await Cli.JsonAsync(keys[0], "models", "register", path, "--precision-bits", "10", "--widen-intervals", "--preset", KeyPresets.SmallestKeys);
        var plan = registered.GetProperty("plan");
        Assert.Equal(1, plan.GetProperty("widened_intervals").GetArrayLength());
        var choice = plan.GetProperty("key_choice");
        Assert.Equal(KeyPresets.SmallestKeys, choice.GetProperty("preset").GetString());
        var smallest = choice.GetProperty("alternatives").EnumerateArray().Min(a => a.GetProperty("galois_keys_bytes").GetInt64());
        Assert.Equal(smallest, choice.GetProperty("chosen").GetProperty("galois_keys_bytes").GetInt64());

        var (code, stdout, stderr) = await Cli.RunAsync(keys[0], "models", "register", path, "--precision-bits", "10", "--widen-intervals", "--key-budget", $"{smallest - 1}", "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("model-not-plannable", stdout + stderr, StringComparison.Ordinal);

        var (refused, _, _) = await Cli.RunAsync(keys[0], "models", "register", path, "--preset", "tiny", "--json");
        Assert.NotEqual(0, refused);
    }

    public void Dispose() => _work.Dispose();
}
