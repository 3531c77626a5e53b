using HeCompute.Architecture.Tests.Checker;

namespace HeCompute.Architecture.Tests;

/// <summary>
/// The checker on planted fixtures (Fixture/): it must find exactly the planted violations — signatures, attributes,
/// generic arguments, catch clauses, lambdas and bare method bodies — and nothing else, so a green rule means something.
/// </summary>
public class CheckerSelfTests
{
    private const string Fixture = "HeCompute.Architecture.Tests.Fixture";
    private const string Low = $"{Fixture}.Layers.Low";
    private const string Mid = $"{Fixture}.Layers.Mid";
    private const string High = $"{Fixture}.Layers.High";
    private const string Services = $"{Fixture}.Http.Services";

    private static readonly string TestAssembly = typeof(CheckerSelfTests).Assembly.GetName().Name!;

    [Fact]
    public void Layer_rule_finds_exactly_the_planted_violations()
    {
        var rule = new LayerRule("fixture layers", [TestAssembly], [Low, Mid, High], Enforced: true, Within: $"{Fixture}.Layers");
        var (violations, missing, unresolved) = RuleRunner.Run(rule);

        Assert.Empty(missing);
        Assert.Empty(unresolved);
        string[] expected =
        [
            $"Assembler ({Mid}) → Widget ({High})",
            $"CallsHighStatically ({Low}) → Tools ({High})",
            $"CapturesHighInLambda ({Low}) → Widget ({High})",
            $"Catches ({Mid}) → WidgetException ({High})",
            $"GenericBody ({Low}) → Tools ({High})",
            $"HoldsMidInGeneric ({Low}) → Part ({Mid})",
            $"Lost ({Fixture}.Layers.Stray)",
            $"Marked ({Low}) → MarkerAttribute ({High})",
            $"UsesHighInBodyOnly ({Low}) → Widget ({High})",
        ];
        Assert.Equal(expected, Edges(violations.Where(v => !v.Source.Contains("__Hidden", StringComparison.Ordinal))));
        Assert.Single(violations, v => v.Source.Contains("__Hidden", StringComparison.Ordinal) && v.Target == $"Widget ({High})");

        // These are visible in method bodies only: a signature-only scanner would miss them.
        foreach (string bodyOnly in new[] { "Assembler", "CallsHighStatically", "CapturesHighInLambda", "Catches", "GenericBody", "UsesHighInBodyOnly" })
        {
            Assert.Contains(violations, v => v.Source.StartsWith(bodyOnly + " ", StringComparison.Ordinal) && v.Detail.StartsWith("body of", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(violations, v => v.Source.StartsWith("CallsHighStatically ", StringComparison.Ordinal) && !v.Detail.StartsWith("body of", StringComparison.Ordinal));
        Assert.Contains($"UsesHighInBodyOnly ({Low}) → Widget ({High}): body of UsesHighInBodyOnly.Make", Report.Lines(violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_rule_sees_visible_signatures_only_and_spares_the_edge()
    {
        var rule = new ForbiddenRule("fixture http signatures", [TestAssembly], ["System.Net.Http"], new HashSet<Use> { Use.VisibleSignature }, Enforced: true, OutsideServices);
        var (violations, _, unresolved) = RuleRunner.Run(rule);

        Assert.Empty(unresolved);
        string[] expected =
        [
            $"ConstructedWith ({Services}) → HttpClient (System.Net.Http)",
            $"ReturnsResponse ({Services}) → HttpResponseMessage (System.Net.Http)",
            $"TakesRequest ({Services}) → HttpRequestMessage (System.Net.Http)",
        ];
        Assert.Equal(expected, Edges(violations));
    }

    [Fact]
    public void Forbidden_rule_over_all_uses_sees_private_helpers_and_bodies()
    {
        var rule = new ForbiddenRule("fixture http anywhere", [TestAssembly], ["System.Net.Http"], ForbiddenRule.AllUses, Enforced: true);
        var (violations, _, _) = RuleRunner.Run(rule);

        string[] expected =
        [
            $"ConstructedWith ({Services}) → HttpClient (System.Net.Http)",
            $"KeepsItPrivate ({Services}) → HttpMethod (System.Net.Http)",
            $"KeepsItPrivate ({Services}) → HttpRequestMessage (System.Net.Http)",
            $"ReturnsResponse ({Services}) → HttpResponseMessage (System.Net.Http)",
            $"TakesRequest ({Services}) → HttpMethod (System.Net.Http)",
            $"TakesRequest ({Services}) → HttpRequestMessage (System.Net.Http)",
        ];
        Assert.Equal(expected, Edges(violations.Where(v => v.Source.EndsWith($"({Services})", StringComparison.Ordinal))));
        Assert.Contains(violations, v => v.Edge == $"assembly {TestAssembly} → assembly System.Net.Http");
        Assert.Contains(violations, v => v.Source == $"Endpoint ({Fixture}.Http.Edge)");
    }

    [Theory]
    [InlineData("HeCompute.Lattice", 0)]
    [InlineData("HeCompute.Lattice.Ring", 1)]
    [InlineData("HeCompute.Lattice.Ring.Ntt", 1)]
    [InlineData("HeCompute.Lattice.Rlwe", 4)]
    [InlineData("HeCompute.Lattice.Ckks", 5)]
    [InlineData("HeCompute.Lattice.Multiparty", 6)]
    [InlineData("HeCompute.Ckks", 7)]
    [InlineData("HeCompute.Ckks.Interop", 7)]
    [InlineData("HeCompute.Lattice.Parameters", null)]
    [InlineData("HeCompute.Analytics", null)]
    public void Engine_layers_cover_their_namespaces_and_the_root_only_itself(string ns, int? layer)
    {
        var rule = (LayerRule)ArchitectureRules.All.Single(r => r.Name == "Engine layers");
        Assert.Equal(layer, rule.LayerOf(ns));
    }

    [Fact]
    public void The_multiparty_rule_judges_the_multiparty_types_and_only_them()
    {
        var lattice = RuleRunner.TryLoad("HeCompute.Lattice");
        Assert.NotNull(lattice);
        var judged = Dependencies.SourceTypes(lattice).Where(t => !ArchitectureRules.OutsideMultiparty(t)).ToList();
        Assert.Contains(judged, t => t.Name == "PublicKeySwitchProtocol");
        Assert.True(judged.Count >= 10, $"only {judged.Count} multiparty types judged");
        Assert.All(judged, t => Assert.StartsWith("HeCompute.Lattice.Multiparty", Dependencies.NamespaceOf(t), StringComparison.Ordinal));
    }

    private static bool OutsideServices(Type type) => Dependencies.NamespaceOf(type) != Services;

    private static string[] Edges(IEnumerable<Violation> violations) =>
        [.. violations.Select(v => v.Edge).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
