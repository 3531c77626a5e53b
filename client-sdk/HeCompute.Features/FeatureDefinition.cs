namespace HeCompute.Features;

/// <summary>
/// One feature of a <see cref="FeatureSchema"/>: its name, unit, description and, where they exist, the bounds every
/// value is guaranteed to respect (the analytics side derives differential-privacy sensitivity from them).
/// </summary>
public sealed class FeatureDefinition : IEquatable<FeatureDefinition>
{
    /// <summary>Creates a definition.</summary>
    /// <param name="name">Unique name within its schema, e.g. <c>first_order.mean</c>.</param>
    /// <param name="unit">Unit, e.g. <c>HU</c>, <c>HU^2</c>, <c>1</c> (dimensionless), <c>bits</c>.</param>
    /// <param name="description">What the feature is (documentation; not part of the fingerprint).</param>
    /// <param name="lowerBound">Smallest possible value, or null when unbounded below.</param>
    /// <param name="upperBound">Largest possible value, or null when unbounded above.</param>
    public FeatureDefinition(string name, string unit, string description, double? lowerBound = null, double? upperBound = null)
    {
        SchemaText.ValidateName(name, "feature name");
        SchemaText.ValidateName(unit, "unit");
        SchemaText.ValidateText(description, "description", allowEmpty: true);
        if (lowerBound is double lo && !double.IsFinite(lo))
        {
            throw new ArgumentOutOfRangeException(nameof(lowerBound), lo, $"The lower bound of '{name}' must be finite (use null for none).");
        }

        if (upperBound is double hi && !double.IsFinite(hi))
        {
            throw new ArgumentOutOfRangeException(nameof(upperBound), hi, $"The upper bound of '{name}' must be finite (use null for none).");
        }

        if (lowerBound is double l && upperBound is double u && l > u)
        {
            throw new ArgumentException($"The bounds of '{name}' are inverted: [{l}, {u}].");
        }

        Name = name;
        Unit = unit;
        Description = description;
        LowerBound = lowerBound is double lb && lb == 0 ? 0 : lowerBound;
        UpperBound = upperBound is double ub && ub == 0 ? 0 : upperBound;
    }

    /// <summary>Feature name, unique within the schema.</summary>
    public string Name { get; }

    /// <summary>Unit of the values.</summary>
    public string Unit { get; }

    /// <summary>Human-readable description.</summary>
    public string Description { get; }

    /// <summary>Declared smallest possible value, or null.</summary>
    public double? LowerBound { get; }

    /// <summary>Declared largest possible value, or null.</summary>
    public double? UpperBound { get; }

    /// <summary>The bounds as text, e.g. <c>[0, 1]</c> or <c>[0, none]</c>.</summary>
    public string BoundsText =>
        $"[{(LowerBound is double l ? SchemaText.Number(l) : "none")}, {(UpperBound is double u ? SchemaText.Number(u) : "none")}]";

    /// <summary>True when <paramref name="value"/> is finite and within the declared bounds.</summary>
    public bool Admits(double value) =>
        double.IsFinite(value) && !(LowerBound is double l && value < l) && !(UpperBound is double u && value > u);

    /// <inheritdoc/>
    public bool Equals(FeatureDefinition? other) =>
        other is not null && Name == other.Name && Unit == other.Unit && Description == other.Description
        && LowerBound == other.LowerBound && UpperBound == other.UpperBound;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FeatureDefinition);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Unit, Description, LowerBound, UpperBound);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Unit}) {BoundsText}";
}
