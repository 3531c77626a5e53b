using System.Globalization;
using System.Text.Json;

namespace HeCompute.Bench.Compare;

/// <summary>
/// What the node-seal runner prints: one JSON object with a member per ring degree holding median µs per op
/// (<c>{"8192": {"encode": 720.8, ...}, "16384": {...}, "node": "v26.10.0", "sealVersion": "4.1",
/// "nodeSeal": "7.0.0", "reps": {...}, "unit": "microseconds (median)"}</c>). Its op names are our op keys.
/// </summary>
/// <param name="Medians">Median µs per (ring degree, op key).</param>
/// <param name="Versions">Node, node-seal and SEAL versions, as the runner reports them.</param>
public sealed record NodeSealResults(Dictionary<(int N, string Op), double> Medians, string Versions)
{
    /// <summary>Parses the runner's stdout.</summary>
    /// <exception cref="JsonException">It is not the runner's JSON.</exception>
    public static NodeSealResults Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("expected one JSON object");
        }

        var medians = new Dictionary<(int, string), double>();
        foreach (var degree in root.EnumerateObject())
        {
            if (!int.TryParse(degree.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || degree.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var op in degree.Value.EnumerateObject())
            {
                if (op.Value.ValueKind == JsonValueKind.Number)
                {
                    medians[(n, op.Name)] = op.Value.GetDouble();
                }
            }
        }

        var versions = FormattableString.Invariant(
            $"node-seal {Text(root, "nodeSeal")} (SEAL {Text(root, "sealVersion")}, WebAssembly, single thread) on Node {Text(root, "node")}");
        return new NodeSealResults(medians, versions);
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "?" : "?";
}
