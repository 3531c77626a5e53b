using System.Globalization;
using System.Text.Json;

namespace HeCompute.Bench.Compare;

/// <summary>
/// Median µs per (ring degree, op key) read from the node-seal runner's JSON. The reader walks the whole document
/// and accepts a result wherever it finds one, so it follows the runner's layout without depending on it:
/// an object with a ring degree ("n", "N", "polyModulusDegree", or a property named "8192") sets the degree for
/// everything inside it; a result is either an object with an op name ("op", "name") and a median ("median_us",
/// "medianUs", "median", "us"), or a property whose name is an op and whose value is a number or such an object.
/// Op names are matched loosely ("rotate_vector(1)", "rotateVector1" and "rotate" are one op).
/// </summary>
public static class NodeSealResults
{
    private static readonly string[] DegreeNames = ["n", "N", "polyModulusDegree", "poly_modulus_degree", "polyDegree"];
    private static readonly string[] OpNames = ["op", "name", "operation"];
    private static readonly string[] MedianNames = ["median_us", "medianUs", "median_µs", "medianMicros", "median", "us"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["encode"] = "encode",
        ["encoden2doubles"] = "encode",
        ["encrypt"] = "encrypt_public",
        ["encryptpublic"] = "encrypt_public",
        ["encryptpublickey"] = "encrypt_public",
        ["encryptpk"] = "encrypt_public",
        ["encryptsecret"] = "encrypt_secret",
        ["encryptsecretkey"] = "encrypt_secret",
        ["encryptsymmetric"] = "encrypt_secret",
        ["encryptsk"] = "encrypt_secret",
        ["decrypt"] = "decrypt",
        ["decode"] = "decode",
        ["add"] = "add",
        ["multiplyplain"] = "multiply_plain",
        ["multiply"] = "multiply",
        ["multiplynorelinearize"] = "multiply",
        ["multiplynorelin"] = "multiply",
        ["relinearize"] = "relinearize",
        ["relin"] = "relinearize",
        ["multiplyrelinearize"] = "multiply_relinearize",
        ["multiplyandrelinearize"] = "multiply_relinearize",
        ["multiplyrelin"] = "multiply_relinearize",
        ["rescaletonext"] = "rescale_to_next",
        ["rescale"] = "rescale_to_next",
        ["rotatevector1"] = "rotate_vector_1",
        ["rotatevector"] = "rotate_vector_1",
        ["rotate1"] = "rotate_vector_1",
        ["rotate"] = "rotate_vector_1",
        ["complexconjugate"] = "complex_conjugate",
        ["conjugate"] = "complex_conjugate",
        ["nttforward"] = "ntt_forward",
        ["nttforwardlazy"] = "ntt_forward_lazy",
        ["nttinverse"] = "ntt_inverse",
    };

    /// <summary>Op key of a runner's op name, or null when it names none of ours.</summary>
    public static string? NormalizeOp(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var letters = new string(name.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();
        return Aliases.GetValueOrDefault(letters);
    }

    /// <summary>Parses the runner's stdout.</summary>
    public static Dictionary<(int N, string Op), double> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = new Dictionary<(int, string), double>();
        Walk(document.RootElement, null, results);
        return results;
    }

    private static void Walk(JsonElement element, int? n, Dictionary<(int, string), double> results)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, n, results);
                }

                break;
            case JsonValueKind.Object:
                n = Degree(element) ?? n;
                if (n is int degree && TryString(element, OpNames) is string opName && NormalizeOp(opName) is string key
                    && TryNumber(element, MedianNames) is double median)
                {
                    results[(degree, key)] = median;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var named) && IsDegree(named))
                    {
                        Walk(property.Value, named, results);
                        continue;
                    }

                    if (n is int current && NormalizeOp(property.Name) is string propertyKey)
                    {
                        var value = property.Value.ValueKind == JsonValueKind.Number
                            ? property.Value.GetDouble()
                            : property.Value.ValueKind == JsonValueKind.Object ? TryNumber(property.Value, MedianNames) : null;
                        if (value is double v)
                        {
                            results[(current, propertyKey)] = v;
                            continue;
                        }
                    }

                    Walk(property.Value, n, results);
                }

                break;
            default:
                break;
        }
    }

    private static bool IsDegree(int value) => value >= 1024 && value <= 65536 && (value & (value - 1)) == 0;

    private static int? Degree(JsonElement element)
    {
        foreach (var name in DegreeNames)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetInt32(out var n) && IsDegree(n))
            {
                return n;
            }
        }

        return null;
    }

    private static string? TryString(JsonElement element, string[] names)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    private static double? TryNumber(JsonElement element, string[] names)
    {
        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return value.GetDouble();
            }
        }

        return null;
    }
}
