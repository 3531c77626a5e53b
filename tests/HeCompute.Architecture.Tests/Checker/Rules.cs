using System.Reflection;

namespace HeCompute.Architecture.Tests.Checker;

/// <summary>
/// A broken rule: <see cref="Source"/> uses <see cref="Target"/> (null when the source itself is misplaced), both as
/// "Type (namespace)" or "assembly Name".
/// </summary>
internal sealed record Violation(string Source, string? Target, string Detail)
{
    internal Violation(Type source, Type? target, string detail)
        : this(Describe(source), target is null ? null : Describe(target), detail)
    {
    }

    /// <summary>The violation without its site ("TypeA (ns) → TypeB (ns)"), to compare with an expected list.</summary>
    internal string Edge => Target is null ? Source : $"{Source} → {Target}";

    /// <summary>"TypeA (ns) → TypeB (ns): where", the form the failure message lists.</summary>
    public override string ToString() => $"{Edge}: {Detail}";

    private static string Describe(Type type) => $"{Dependencies.NameOf(type)} ({Dependencies.NamespaceOf(type)})";
}

/// <summary>An architecture rule over named assemblies.</summary>
/// <param name="Name">Shown in test names and messages.</param>
/// <param name="Assemblies">The assemblies whose types the rule judges, by simple name.</param>
/// <param name="Enforced">
/// False for a rule that waits for a merge: its test then checks that the rule does not hold yet, so the merge that makes
/// it hold turns that test red and the rule gets switched on rather than forgotten.
/// </param>
internal abstract record Rule(string Name, IReadOnlyList<string> Assemblies, bool Enforced)
{
    /// <summary>The violations among <paramref name="dependencies"/> of <paramref name="assembly"/>.</summary>
    internal abstract IEnumerable<Violation> Check(Assembly assembly, IReadOnlyList<Dependency> dependencies);

    public sealed override string ToString() => Name;
}

/// <summary>
/// Namespaces stacked bottom to top: a type may use types of its own layer and lower ones only. A layer covers its
/// namespace and sub-namespaces, except a layer that is the parent of another layer, which covers itself only (so
/// <c>HeCompute.Lattice</c> does not swallow a stray <c>HeCompute.Lattice.Foo</c>). Every type of the judged assemblies
/// (under <see cref="Within"/> when given) must sit in a layer.
/// </summary>
internal sealed record LayerRule(string Name, IReadOnlyList<string> Assemblies, IReadOnlyList<string> Layers, bool Enforced, string? Within = null)
    : Rule(Name, Assemblies, Enforced)
{
    internal int? LayerOf(string ns)
    {
        int? best = null;
        for (int i = 0; i < Layers.Count; i++)
        {
            string layer = Layers[i];
            bool parent = Layers.Any(other => other.StartsWith(layer + ".", StringComparison.Ordinal));
            bool covers = ns == layer || (!parent && ns.StartsWith(layer + ".", StringComparison.Ordinal));
            if (covers && (best is null || layer.Length > Layers[best.Value].Length))
            {
                best = i;
            }
        }

        return best;
    }

    internal override IEnumerable<Violation> Check(Assembly assembly, IReadOnlyList<Dependency> dependencies)
    {
        bool Judged(Type t) => Within is null || Dependencies.NamespaceOf(t) == Within || Dependencies.NamespaceOf(t).StartsWith(Within + ".", StringComparison.Ordinal);

        foreach (var type in Dependencies.SourceTypes(assembly).Where(Judged))
        {
            if (LayerOf(Dependencies.NamespaceOf(type)) is null)
            {
                yield return new Violation(type, null, $"in no layer of {string.Join(" → ", Layers)}");
            }
        }

        foreach (var d in dependencies.Where(d => Judged(d.Source)))
        {
            if (LayerOf(Dependencies.NamespaceOf(d.Source)) is { } from && LayerOf(Dependencies.NamespaceOf(d.Target)) is { } to && to > from)
            {
                yield return new Violation(d.Source, d.Target, d.Site);
            }
        }
    }
}

/// <summary>
/// Types of the judged assemblies must not use types in <see cref="Forbidden"/> namespaces (or sub-namespaces) through
/// the given <see cref="Uses"/>, and the assemblies must not reference assemblies whose names start with one of
/// <see cref="Forbidden"/>. Types for which <see cref="Exempt"/> is true are not judged.
/// </summary>
internal sealed record ForbiddenRule(string Name, IReadOnlyList<string> Assemblies, IReadOnlyList<string> Forbidden, IReadOnlySet<Use> Uses, bool Enforced, Func<Type, bool>? Exempt = null)
    : Rule(Name, Assemblies, Enforced)
{
    internal static readonly IReadOnlySet<Use> AllUses = Enum.GetValues<Use>().ToHashSet();

    private bool IsForbidden(string name) =>
        Forbidden.Any(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal));

    internal override IEnumerable<Violation> Check(Assembly assembly, IReadOnlyList<Dependency> dependencies)
    {
        if (Uses.SetEquals(AllUses))
        {
            // A reference the compiler kept without any type using it still drags the assembly into every deployment.
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => IsForbidden(r.Name ?? string.Empty)))
            {
                yield return new Violation($"assembly {assembly.GetName().Name}", $"assembly {reference.Name}", "assembly reference");
            }
        }

        foreach (var d in dependencies)
        {
            if (Uses.Contains(d.Use) && Exempt?.Invoke(d.Source) != true && IsForbidden(Dependencies.NamespaceOf(d.Target)))
            {
                yield return new Violation(d.Source, d.Target, d.Site);
            }
        }
    }
}

/// <summary>Loads a rule's assemblies and runs it, one scan per assembly.</summary>
internal static class RuleRunner
{
    private static readonly Dictionary<string, (List<Dependency> Dependencies, List<string> Unresolved)> Scans = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>The assembly of that simple name from the test's dependencies, or null when it is not there.</summary>
    internal static Assembly? TryLoad(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Distinct violations (one line per source, target and site), and the names of assemblies that did not load.</summary>
    internal static (List<Violation> Violations, List<string> Missing, List<string> Unresolved) Run(Rule rule)
    {
        var violations = new List<Violation>();
        var missing = new List<string>();
        var unresolved = new List<string>();
        foreach (string name in rule.Assemblies)
        {
            if (TryLoad(name) is not { } assembly)
            {
                missing.Add(name);
                continue;
            }

            var scan = Scan(assembly);
            unresolved.AddRange(scan.Unresolved);
            violations.AddRange(rule.Check(assembly, scan.Dependencies));
        }

        return ([.. violations.DistinctBy(v => v.ToString()).OrderBy(v => v.ToString(), StringComparer.Ordinal)], missing, unresolved);
    }

    private static (List<Dependency> Dependencies, List<string> Unresolved) Scan(Assembly assembly)
    {
        string key = assembly.FullName ?? assembly.GetName().Name!;
        lock (Gate)
        {
            if (!Scans.TryGetValue(key, out var scan))
            {
                var unresolved = new List<string>();
                scan = (Dependencies.Of(assembly, unresolved), unresolved);
                Scans[key] = scan;
            }

            return scan;
        }
    }
}
