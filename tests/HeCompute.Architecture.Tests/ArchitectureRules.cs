using HeCompute.Architecture.Tests.Checker;

namespace HeCompute.Architecture.Tests;

/// <summary>
/// The layering of HeCompute, as data. A rule with <c>Enforced: false</c> waits for a merge; switching it on is the
/// one-word change <c>Enforced: false</c> → <c>Enforced: true</c> on its line (its test says so when the time comes).
/// </summary>
internal static class ArchitectureRules
{
    /// <summary>The engine core, bottom to top (issue 11: ring → hashing → serialization → rlwe → ckks → multiparty).</summary>
    internal static readonly string[] EngineLayers =
    [
        "HeCompute.Lattice", // exceptions, EngineParallelism
        "HeCompute.Lattice.Ring",
        "HeCompute.Lattice.Hashing",
        "HeCompute.Lattice.Serialization",
        "HeCompute.Lattice.Rlwe",
        "HeCompute.Lattice.Ckks",
        "HeCompute.Lattice.Multiparty",
        "HeCompute.Ckks", // the SEALNet facade: may use every core layer, none may use it
    ];

    /// <summary>The server's HTTP edge: the only namespaces whose types may take or return ASP.NET Core HTTP types.</summary>
    internal static readonly string[] HttpEdge =
    [
        "HeCompute.Server.Endpoints",
        "HeCompute.Server.Auth",
        "HeCompute.Server.Errors",
        "HeCompute.Server.Audit",
        "HeCompute.Server.Telemetry",
    ];

    /// <summary>The multiparty protocols are RLWE-level: they work on any ciphertext and key, never through CKKS encoding or evaluation.</summary>
    internal const string MultipartyOnRlwe = "Multiparty sits on rlwe: it uses no CKKS encoder or evaluator";

    private static readonly string[] HeAssemblies = ["HeCompute.Ckks", "HeCompute.Lattice"];

    private static readonly string[] AspNetCore = ["Microsoft.AspNetCore"];

    internal static readonly Rule[] All =
    [
        new LayerRule("Engine layers", ["HeCompute.Lattice", "HeCompute.Ckks"], EngineLayers, Enforced: true),
        new ForbiddenRule(MultipartyOnRlwe, ["HeCompute.Lattice"], ["HeCompute.Lattice.Ckks"], ForbiddenRule.AllUses, Enforced: true, OutsideMultiparty),
        new ForbiddenRule("Dicom uses no HE engine and no ASP.NET Core", ["HeCompute.Dicom"], [.. HeAssemblies, .. AspNetCore], ForbiddenRule.AllUses, Enforced: true),
        new ForbiddenRule("Features uses no HE engine and no ASP.NET Core", ["HeCompute.Features"], [.. HeAssemblies, .. AspNetCore], ForbiddenRule.AllUses, Enforced: true),
        new ForbiddenRule("Server and analytics never load the DICOM library (whose JPEG 2000 codec needs OpenJPEG)", ["HeCompute.Server", "HeCompute.Analytics"], ["HeCompute.Dicom", "HeCompute.Features"], ForbiddenRule.AllUses, Enforced: true),
        new ForbiddenRule("Analytics knows nothing of HTTP", ["HeCompute.Analytics"], [.. AspNetCore, "System.Net.Http"], ForbiddenRule.AllUses, Enforced: true),
        new ForbiddenRule("Analytics, server and SDK compute on the core, never through the SEALNet layer", ["HeCompute.Analytics", "HeCompute.Server", "HeCompute.Client", "HeCompute.Protocol"], ["HeCompute.Ckks"], ForbiddenRule.AllUses, Enforced: true),
        new ForbiddenRule("The protocol library knows no HE engine", ["HeCompute.Protocol"], HeAssemblies, ForbiddenRule.AllUses, Enforced: true),
        new ForbiddenRule("Server services take and return no HTTP type", ["HeCompute.Server"], ["Microsoft.AspNetCore.Http"], new HashSet<Use> { Use.VisibleSignature }, Enforced: true, IsHttpEdge),
    ];

    /// <summary>Every type outside <c>HeCompute.Lattice.Multiparty</c> (the multiparty rule judges that layer only).</summary>
    internal static bool OutsideMultiparty(Type type)
    {
        string ns = Dependencies.NamespaceOf(type);
        return !(ns == "HeCompute.Lattice.Multiparty" || ns.StartsWith("HeCompute.Lattice.Multiparty.", StringComparison.Ordinal));
    }

    /// <summary>Endpoints, auth, errors, audit and telemetry, and the host's <c>Program</c> and DI extension classes.</summary>
    private static bool IsHttpEdge(Type type)
    {
        string ns = Dependencies.NamespaceOf(type);
        if (HttpEdge.Any(edge => ns == edge || ns.StartsWith(edge + ".", StringComparison.Ordinal)))
        {
            return true;
        }

        var outer = type;
        while (outer.DeclaringType is { } declaring)
        {
            outer = declaring;
        }

        return (ns is "" or "HeCompute.Server") && (outer.Name == "Program" || outer.Name.EndsWith("Extensions", StringComparison.Ordinal));
    }
}
