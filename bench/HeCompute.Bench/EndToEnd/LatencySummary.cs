namespace HeCompute.Bench.EndToEnd;

/// <summary>Median and 90th percentile (nearest rank) of a set of durations, in milliseconds.</summary>
/// <param name="Median">The median.</param>
/// <param name="P90">The 90th percentile.</param>
public readonly record struct LatencySummary(double Median, double P90)
{
    /// <summary>Summarises <paramref name="milliseconds"/> (at least one value).</summary>
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No samples.", nameof(milliseconds));
        }

        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        var p90 = sorted[Math.Max(0, (int)Math.Ceiling(0.9 * sorted.Length) - 1)];
        return new LatencySummary(median, p90);
    }

    /// <summary>"median / p90" with one decimal.</summary>
    public override string ToString() => FormattableString.Invariant($"{Median:F1} / {P90:F1}");
}
