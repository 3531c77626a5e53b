namespace HeCompute.Features;

/// <summary>What kind of difference <see cref="FeatureSchema.Compare"/> found.</summary>
public enum FeatureSchemaDifferenceKind
{
    /// <summary>The schemas have different names.</summary>
    SchemaName,

    /// <summary>The schemas have different versions.</summary>
    Version,

    /// <summary>A computation parameter is missing, extra or has another value.</summary>
    Parameter,

    /// <summary>The expected schema has a feature the actual one lacks.</summary>
    MissingFeature,

    /// <summary>The actual schema has a feature the expected one lacks.</summary>
    ExtraFeature,

    /// <summary>A feature present in both is in a different order relative to the other shared features.</summary>
    ReorderedFeature,

    /// <summary>A feature present in both has a different unit.</summary>
    Unit,

    /// <summary>A feature present in both declares different bounds.</summary>
    Bounds,
}

/// <summary>One difference between an actual schema and the schema a model expects.</summary>
/// <param name="Kind">What differs.</param>
/// <param name="Subject">The feature or parameter concerned (null for schema-level differences).</param>
/// <param name="Expected">The expected value, as text (null if absent).</param>
/// <param name="Actual">The actual value, as text (null if absent).</param>
public sealed record FeatureSchemaDifference(FeatureSchemaDifferenceKind Kind, string? Subject, string? Expected, string? Actual)
{
    /// <summary>A one-line description.</summary>
    public override string ToString() => Kind switch
    {
        FeatureSchemaDifferenceKind.SchemaName => $"schema name is '{Actual}', expected '{Expected}'",
        FeatureSchemaDifferenceKind.Version => $"schema version is {Actual}, expected {Expected}",
        FeatureSchemaDifferenceKind.Parameter => Actual is null
            ? $"parameter '{Subject}' is missing (expected '{Expected}')"
            : Expected is null
                ? $"parameter '{Subject}' is not expected (actual '{Actual}')"
                : $"parameter '{Subject}' is '{Actual}', expected '{Expected}'",
        FeatureSchemaDifferenceKind.MissingFeature => $"feature '{Subject}' is missing (expected at index {Expected})",
        FeatureSchemaDifferenceKind.ExtraFeature => $"feature '{Subject}' at index {Actual} is not expected",
        FeatureSchemaDifferenceKind.ReorderedFeature => $"feature '{Subject}' is at index {Actual}, expected at index {Expected} (order differs)",
        FeatureSchemaDifferenceKind.Unit => $"feature '{Subject}' has unit '{Actual}', expected '{Expected}'",
        FeatureSchemaDifferenceKind.Bounds => $"feature '{Subject}' declares bounds {Actual}, expected {Expected}",
        _ => $"{Kind} {Subject}: expected {Expected}, actual {Actual}",
    };
}
