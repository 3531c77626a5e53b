using System.Text;

namespace HeCompute.Features;

/// <summary>
/// Raised by <see cref="FeatureSchema.EnsureCompatible"/> when a feature vector's schema is not the one a model expects:
/// <see cref="Differences"/> lists every difference (missing, extra or reordered features, unit, bounds, parameter,
/// version or name mismatches). Raised before anything is encrypted.
/// </summary>
public sealed class FeatureSchemaMismatchException : Exception
{
    /// <summary>Creates the exception for the differences between <paramref name="actual"/> and <paramref name="expected"/>.</summary>
    public FeatureSchemaMismatchException(FeatureSchema actual, FeatureSchema expected, IReadOnlyList<FeatureSchemaDifference> differences)
        : base(Describe(actual, expected, differences))
    {
        ArgumentNullException.ThrowIfNull(differences);
        ActualFingerprint = actual.Fingerprint;
        ExpectedFingerprint = expected.Fingerprint;
        Differences = differences;
    }

    /// <summary>Creates the exception with no differences listed.</summary>
    public FeatureSchemaMismatchException()
        : this("The feature schema does not match the expected schema.")
    {
    }

    /// <summary>Creates the exception with a message and no differences listed.</summary>
    public FeatureSchemaMismatchException(string message)
        : base(message)
    {
        Differences = [];
    }

    /// <summary>Creates the exception with a message and a cause, and no differences listed.</summary>
    public FeatureSchemaMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        Differences = [];
    }

    /// <summary>Every difference found, in the order: schema, parameters, features.</summary>
    public IReadOnlyList<FeatureSchemaDifference> Differences { get; }

    /// <summary>Fingerprint of the actual schema, if known.</summary>
    public string? ActualFingerprint { get; }

    /// <summary>Fingerprint of the expected schema, if known.</summary>
    public string? ExpectedFingerprint { get; }

    private static string Describe(FeatureSchema actual, FeatureSchema expected, IReadOnlyList<FeatureSchemaDifference> differences)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(differences);
        var sb = new StringBuilder();
        sb.Append("The feature schema '").Append(actual.Name).Append("' v").Append(actual.Version)
          .Append(" (").Append(actual.Fingerprint).Append(") does not match the expected schema '")
          .Append(expected.Name).Append("' v").Append(expected.Version).Append(" (").Append(expected.Fingerprint)
          .Append("): ").Append(differences.Count).Append(differences.Count == 1 ? " difference" : " differences");
        foreach (FeatureSchemaDifference d in differences)
        {
            sb.Append("\n - ").Append(d);
        }

        return sb.ToString();
    }
}
