using HeCompute.Architecture.Tests.Checker;

namespace HeCompute.Architecture.Tests;

/// <summary>Runs every rule of <see cref="ArchitectureRules.All"/> over the product assemblies.</summary>
public class ArchitectureTests
{
    public static TheoryData<string> Rules() => [.. ArchitectureRules.All.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rule_holds_or_is_still_pending(string name)
    {
        var rule = ArchitectureRules.All.Single(r => r.Name == name);
        var (violations, missing, unresolved) = RuleRunner.Run(rule);
        Assert.True(unresolved.Count == 0, $"{name}: the checker could not resolve {unresolved.Count} IL token(s), so it cannot vouch for those bodies:\n{string.Join('\n', unresolved.Take(20))}");
        if (rule.Enforced)
        {
            Assert.True(missing.Count == 0, $"{name}: assembly {string.Join(", ", missing)} is not among the test's dependencies (add a ProjectReference to this project)");
            Assert.True(violations.Count == 0, $"{name}: {violations.Count} violation(s)\n{Report.Lines(violations)}");
        }
        else
        {
            // Waiting for a merge (see ArchitectureRules): the day it holds, this fails so that it gets switched on.
            Assert.True(missing.Count > 0 || violations.Count > 0, $"{name} now holds: set Enforced: true on its line in ArchitectureRules.All");
        }
    }

    [Fact]
    public void The_scanned_assemblies_are_the_product_ones()
    {
        // A rule over an assembly that quietly failed to load, or over the wrong file, would prove nothing.
        foreach (string name in new[] { "HeCompute.Ckks", "HeCompute.Dicom", "HeCompute.Features", "HeCompute.Analytics", "HeCompute.Server" })
        {
            var assembly = RuleRunner.TryLoad(name);
            Assert.NotNull(assembly);
            Assert.True(Dependencies.SourceTypes(assembly).Count() > 10, $"{name}: too few types");
        }
    }
}
