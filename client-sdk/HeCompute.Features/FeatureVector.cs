using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HeCompute.Features;

/// <summary>
/// Feature values with the <see cref="FeatureSchema"/> that says what each one is. Every value is finite and within its
/// feature's declared bounds (checked on construction). Call <see cref="EnsureCompatible"/> with the model's expected
/// schema before encrypting.
/// </summary>
public sealed class FeatureVector
{
    private readonly double[] _values;

    /// <summary>Creates a vector; copies <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">Wrong count, a non-finite value, or a value outside its declared bounds.</exception>
    public FeatureVector(FeatureSchema schema, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (values.Length != schema.Count)
        {
            throw new ArgumentException($"The schema '{schema.Name}' has {schema.Count} features; {values.Length} values were given.", nameof(values));
        }

        for (int i = 0; i < values.Length; i++)
        {
            FeatureDefinition f = schema.Features[i];
            if (!f.Admits(values[i]))
            {
                throw new ArgumentException(
                    $"The value {values[i].ToString("R", CultureInfo.InvariantCulture)} of feature '{f.Name}' is not finite or lies outside its declared bounds {f.BoundsText}.",
                    nameof(values));
            }
        }

        Schema = schema;
        _values = values.ToArray();
    }

    /// <summary>The schema.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Number of values.</summary>
    public int Count => _values.Length;

    /// <summary>The values, in schema order.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value at <paramref name="index"/>.</summary>
    public double this[int index] => _values[index];

    /// <summary>The value of the feature called <paramref name="featureName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such feature.</exception>
    public double this[string featureName]
    {
        get
        {
            int i = Schema.IndexOf(featureName);
            return i >= 0 ? _values[i] : throw new KeyNotFoundException($"The schema '{Schema.Name}' has no feature '{featureName}'.");
        }
    }

    /// <summary>A copy of the values.</summary>
    public double[] ToArray() => (double[])_values.Clone();

    /// <summary>Throws <see cref="FeatureSchemaMismatchException"/> unless the schema is compatible with <paramref name="expected"/>; returns this vector.</summary>
    public FeatureVector EnsureCompatible(FeatureSchema expected)
    {
        Schema.EnsureCompatible(expected);
        return this;
    }

    /// <summary>JSON <c>{"schema":&lt;canonical schema&gt;,"values":[…]}</c>, numbers in round-trip form.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        sb.Append("{\"schema\":").Append(Schema.ToCanonicalJson()).Append(",\"values\":[");
        for (int i = 0; i < _values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(SchemaText.Number(_values[i]));
        }

        sb.Append("]}");
        return sb.ToString();
    }

    /// <summary>Reads the form written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">Not a valid feature vector.</exception>
    public static FeatureVector FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            var members = FeatureSchema.Members(doc.RootElement, "feature vector", ["schema", "values"]);
            if (!members.TryGetValue("schema", out JsonElement s) || !members.TryGetValue("values", out JsonElement v)
                || v.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("A feature vector needs a 'schema' object and a 'values' array.");
            }

            FeatureSchema schema = FeatureSchema.FromJson(s);
            var values = new double[v.GetArrayLength()];
            int i = 0;
            foreach (JsonElement e in v.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out values[i]))
                {
                    throw new FormatException($"Value {i} of the feature vector is not a number.");
                }

                i++;
            }

            return new FeatureVector(schema, values);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The feature vector is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"The feature vector is invalid: {e.Message}", e);
        }
    }
}
