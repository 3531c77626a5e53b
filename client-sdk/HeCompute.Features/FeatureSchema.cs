using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HeCompute.Features;

/// <summary>
/// The declared layout of a feature vector: a name and version, the computation parameters that change values (bin
/// width, grey levels, normalisation, …), and the ordered features with unit, description and bounds. A model declares
/// the schema it expects; <see cref="EnsureCompatible"/> refuses any other before a value is encrypted.
/// </summary>
/// <remarks>
/// <para><b>Canonical JSON</b> (<see cref="ToCanonicalJson"/>): UTF-8, no white space, members in this fixed order —
/// <c>{"name":…,"version":…,"parameters":{…},"features":[{"name":…,"unit":…,"lower":…,"upper":…,"description":…},…]}</c>
/// — parameters sorted by ordinal key order, absent bounds written as <c>null</c>, numbers in the shortest form that
/// round-trips (.NET "R", invariant culture, −0 as 0), strings escaping only <c>"</c>, <c>\</c> and control characters
/// (as <c>\u00xx</c>).</para>
/// <para><b>Fingerprint</b> (<see cref="Fingerprint"/>): <c>sha256:</c> and the lower-case hex SHA-256 of the UTF-8
/// canonical JSON with the <c>description</c> members left out. It covers exactly what
/// <see cref="EnsureCompatible"/> compares, so equal fingerprints mean compatible schemas; rewording a description
/// changes neither.</para>
/// </remarks>
public sealed class FeatureSchema : IEquatable<FeatureSchema>
{
    private readonly FeatureDefinition[] _features;
    private readonly Dictionary<string, int> _index;
    private readonly KeyValuePair<string, string>[] _parameters;
    private string? _fingerprint;

    /// <summary>Creates a schema.</summary>
    /// <param name="name">Schema name, e.g. <c>hecompute.radiomics.2d</c>.</param>
    /// <param name="version">Schema version, at least 1; bump it whenever a definition changes.</param>
    /// <param name="features">The features in vector order; names unique.</param>
    /// <param name="parameters">Computation parameters (keys unique); stored sorted by key.</param>
    public FeatureSchema(
        string name, int version, IEnumerable<FeatureDefinition> features, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        SchemaText.ValidateName(name, "schema name");
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(features);
        Name = name;
        Version = version;
        _features = [.. features];
        if (_features.Length == 0)
        {
            throw new ArgumentException("A schema needs at least one feature.", nameof(features));
        }

        _index = new Dictionary<string, int>(_features.Length, StringComparer.Ordinal);
        for (int i = 0; i < _features.Length; i++)
        {
            FeatureDefinition f = _features[i] ?? throw new ArgumentException($"Feature {i} is null.", nameof(features));
            if (!_index.TryAdd(f.Name, i))
            {
                throw new ArgumentException($"The feature name '{f.Name}' appears twice.", nameof(features));
            }
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> p in parameters ?? [])
        {
            SchemaText.ValidateName(p.Key, "parameter name");
            SchemaText.ValidateText(p.Value, "parameter value", allowEmpty: true);
            if (!sorted.TryAdd(p.Key, p.Value))
            {
                throw new ArgumentException($"The parameter '{p.Key}' appears twice.", nameof(parameters));
            }
        }

        _parameters = [.. sorted];
        Parameters = sorted.AsReadOnly();
    }

    /// <summary>Schema name.</summary>
    public string Name { get; }

    /// <summary>Schema version.</summary>
    public int Version { get; }

    /// <summary>The features, in vector order.</summary>
    public IReadOnlyList<FeatureDefinition> Features => _features;

    /// <summary>Number of features.</summary>
    public int Count => _features.Length;

    /// <summary>The computation parameters, by key.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary><c>sha256:</c> + hex SHA-256 of the canonical JSON without descriptions (see the type's remarks).</summary>
    public string Fingerprint => _fingerprint ??=
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(includeDescriptions: false))));

    /// <summary>Index of the feature called <paramref name="featureName"/>, or −1.</summary>
    public int IndexOf(string featureName) => _index.TryGetValue(featureName, out int i) ? i : -1;

    /// <summary>The canonical JSON form (see the type's remarks), descriptions included.</summary>
    public string ToCanonicalJson() => Canonical(includeDescriptions: true);

    /// <summary>The JSON form: canonical, or indented for people (same content, parsed back identically).</summary>
    public string ToJson(bool indented = false) => indented ? Indent(ToCanonicalJson()) : ToCanonicalJson();

    /// <summary>
    /// Reads a schema from JSON (canonical or not: member order and white space are free). Members <c>name</c>,
    /// <c>version</c> and <c>features</c> (each with <c>name</c> and <c>unit</c>) are required; <c>parameters</c>,
    /// <c>description</c>, <c>lower</c>, <c>upper</c> are optional; unknown or repeated members are refused.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid schema.</exception>
    public static FeatureSchema FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The feature schema is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"The feature schema is invalid: {e.Message}", e);
        }
    }

    /// <summary>
    /// Every difference between this (actual) schema and <paramref name="expected"/>: name, version, parameters,
    /// missing, extra and reordered features, units and bounds. Descriptions are not compared. Empty when compatible.
    /// </summary>
    public IReadOnlyList<FeatureSchemaDifference> Compare(FeatureSchema expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var diffs = new List<FeatureSchemaDifference>();
        if (Name != expected.Name)
        {
            diffs.Add(new(FeatureSchemaDifferenceKind.SchemaName, null, expected.Name, Name));
        }

        if (Version != expected.Version)
        {
            diffs.Add(new(FeatureSchemaDifferenceKind.Version, null,
                expected.Version.ToString(CultureInfo.InvariantCulture), Version.ToString(CultureInfo.InvariantCulture)));
        }

        var keys = new SortedSet<string>(Parameters.Keys, StringComparer.Ordinal);
        keys.UnionWith(expected.Parameters.Keys);
        foreach (string key in keys)
        {
            string? mine = Parameters.TryGetValue(key, out string? a) ? a : null;
            string? theirs = expected.Parameters.TryGetValue(key, out string? b) ? b : null;
            if (mine != theirs)
            {
                diffs.Add(new(FeatureSchemaDifferenceKind.Parameter, key, theirs, mine));
            }
        }

        // Missing (in expected order), then extra (in actual order).
        for (int j = 0; j < expected.Count; j++)
        {
            if (IndexOf(expected._features[j].Name) < 0)
            {
                diffs.Add(new(FeatureSchemaDifferenceKind.MissingFeature, expected._features[j].Name,
                    j.ToString(CultureInfo.InvariantCulture), null));
            }
        }

        for (int i = 0; i < Count; i++)
        {
            if (expected.IndexOf(_features[i].Name) < 0)
            {
                diffs.Add(new(FeatureSchemaDifferenceKind.ExtraFeature, _features[i].Name, null,
                    i.ToString(CultureInfo.InvariantCulture)));
            }
        }

        // Reordering: the shared features, taken in each schema's order, must form the same sequence.
        var sharedActual = new List<int>();
        foreach (FeatureDefinition f in _features)
        {
            int j = expected.IndexOf(f.Name);
            if (j >= 0)
            {
                sharedActual.Add(j);
            }
        }

        var sharedExpected = new List<int>(sharedActual);
        sharedExpected.Sort();
        for (int k = 0; k < sharedActual.Count; k++)
        {
            if (sharedActual[k] != sharedExpected[k])
            {
                string name = expected._features[sharedActual[k]].Name;
                diffs.Add(new(FeatureSchemaDifferenceKind.ReorderedFeature, name,
                    sharedActual[k].ToString(CultureInfo.InvariantCulture), IndexOf(name).ToString(CultureInfo.InvariantCulture)));
            }
        }

        foreach (FeatureDefinition f in _features)
        {
            int j = expected.IndexOf(f.Name);
            if (j < 0)
            {
                continue;
            }

            FeatureDefinition e = expected._features[j];
            if (f.Unit != e.Unit)
            {
                diffs.Add(new(FeatureSchemaDifferenceKind.Unit, f.Name, e.Unit, f.Unit));
            }

            if (f.LowerBound != e.LowerBound || f.UpperBound != e.UpperBound)
            {
                diffs.Add(new(FeatureSchemaDifferenceKind.Bounds, f.Name, e.BoundsText, f.BoundsText));
            }
        }

        return diffs;
    }

    /// <summary>
    /// Throws <see cref="FeatureSchemaMismatchException"/> listing every difference unless this schema is compatible
    /// with <paramref name="expected"/> (same name, version, parameters, feature names in the same order, units and
    /// bounds; descriptions may differ).
    /// </summary>
    public void EnsureCompatible(FeatureSchema expected)
    {
        IReadOnlyList<FeatureSchemaDifference> diffs = Compare(expected);
        if (diffs.Count > 0)
        {
            throw new FeatureSchemaMismatchException(this, expected, diffs);
        }
    }

    /// <summary>Full equality: everything in the canonical JSON, descriptions included.</summary>
    public bool Equals(FeatureSchema? other) =>
        other is not null && (ReferenceEquals(this, other) || ToCanonicalJson() == other.ToCanonicalJson());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FeatureSchema);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Fingerprint);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} v{Version} ({Count} features, {Fingerprint})";

    private string Canonical(bool includeDescriptions)
    {
        var sb = new StringBuilder(128 + 96 * _features.Length);
        sb.Append("{\"name\":");
        SchemaText.AppendJsonString(sb, Name);
        sb.Append(",\"version\":").Append(Version.ToString(CultureInfo.InvariantCulture));
        sb.Append(",\"parameters\":{");
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            SchemaText.AppendJsonString(sb, _parameters[i].Key);
            sb.Append(':');
            SchemaText.AppendJsonString(sb, _parameters[i].Value);
        }

        sb.Append("},\"features\":[");
        for (int i = 0; i < _features.Length; i++)
        {
            FeatureDefinition f = _features[i];
            sb.Append(i > 0 ? ",{\"name\":" : "{\"name\":");
            SchemaText.AppendJsonString(sb, f.Name);
            sb.Append(",\"unit\":");
            SchemaText.AppendJsonString(sb, f.Unit);
            sb.Append(",\"lower\":").Append(f.LowerBound is double lo ? SchemaText.Number(lo) : "null");
            sb.Append(",\"upper\":").Append(f.UpperBound is double hi ? SchemaText.Number(hi) : "null");
            if (includeDescriptions)
            {
                sb.Append(",\"description\":");
                SchemaText.AppendJsonString(sb, f.Description);
            }

            sb.Append('}');
        }

        sb.Append("]}");
        return sb.ToString();
    }

    private static string Indent(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            doc.RootElement.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static FeatureSchema FromJson(JsonElement root)
    {
        var members = Members(root, "schema", ["name", "version", "parameters", "features"]);
        string name = RequiredString(members, "name", "schema");
        if (!members.TryGetValue("version", out JsonElement versionElement)
            || versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out int version))
        {
            throw new FormatException("The schema's 'version' must be an integer.");
        }

        var parameters = new List<KeyValuePair<string, string>>();
        if (members.TryGetValue("parameters", out JsonElement p))
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The schema's 'parameters' must be an object of strings.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty prop in p.EnumerateObject())
            {
                if (!seen.Add(prop.Name) || prop.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"The parameter '{prop.Name}' is repeated or not a string.");
                }

                parameters.Add(new(prop.Name, prop.Value.GetString()!));
            }
        }

        if (!members.TryGetValue("features", out JsonElement fa) || fa.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The schema's 'features' must be an array.");
        }

        var features = new List<FeatureDefinition>(fa.GetArrayLength());
        foreach (JsonElement fe in fa.EnumerateArray())
        {
            var fm = Members(fe, "feature", ["name", "unit", "lower", "upper", "description"]);
            string fname = RequiredString(fm, "name", "feature");
            string unit = RequiredString(fm, "unit", $"feature '{fname}'");
            string description = fm.TryGetValue("description", out JsonElement de)
                ? de.ValueKind == JsonValueKind.String ? de.GetString()! : throw new FormatException($"The description of '{fname}' must be a string.")
                : string.Empty;
            features.Add(new FeatureDefinition(fname, unit, description, OptionalNumber(fm, "lower", fname), OptionalNumber(fm, "upper", fname)));
        }

        return new FeatureSchema(name, version, features, parameters);
    }

    internal static Dictionary<string, JsonElement> Members(JsonElement element, string what, string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"A {what} must be a JSON object.");
        }

        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty prop in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, prop.Name) < 0)
            {
                throw new FormatException($"A {what} has the unknown member '{prop.Name}'.");
            }

            if (!members.TryAdd(prop.Name, prop.Value))
            {
                throw new FormatException($"A {what} has the member '{prop.Name}' twice.");
            }
        }

        return members;
    }

    private static string RequiredString(Dictionary<string, JsonElement> members, string key, string what) =>
        members.TryGetValue(key, out JsonElement e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new FormatException($"The {what}'s '{key}' must be a string.");

    private static double? OptionalNumber(Dictionary<string, JsonElement> members, string key, string feature)
    {
        if (!members.TryGetValue(key, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw new FormatException($"The '{key}' bound of '{feature}' must be a finite number or null.");
        }

        return value;
    }
}
