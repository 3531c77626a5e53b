using HeCompute.Client.Privacy;

namespace HeCompute.Client.Statistics;

/// <summary>
/// Releases decrypted cohort statistics through the differential-privacy helper (<see cref="DifferentialPrivacy"/>,
/// <see cref="Sensitivity"/>) under bounded DP: the record count n is public, so the mean and the sample variance of
/// a feature declared in [L, U] have sensitivities (U − L)/n and (U − L)²/n, the sum U − L.
/// </summary>
/// <remarks>
/// The budget is split evenly over the 3·f released values (sum, mean, variance of each of f features): sequential
/// composition makes the whole release (ε, δ)-DP. Clamp ranges are data-independent: sum in [n·L, n·U], mean in
/// [L, U], variance in [0, (U − L)²·n / (4·(n − 1))] (Popoviciu's bound for the sample variance). The guarantee assumes
/// every record lies within its declared bounds (the dataset's packer refuses records outside them).
/// </remarks>
public static class StatisticsRelease
{
    private const int StatisticsPerFeature = 3;

    /// <summary>Releases the sums, means and variances of <paramref name="exact"/> with a total budget ε (and δ).</summary>
    /// <param name="exact">The decrypted statistics (not for release themselves).</param>
    /// <param name="lower">Declared lower bound per feature.</param>
    /// <param name="upper">Declared upper bound per feature.</param>
    /// <param name="records">n, the public record count (at least 2).</param>
    /// <param name="mechanism">Laplace (δ must be 0) or Gaussian (0 &lt; δ &lt; 1; each value's ε below 1).</param>
    /// <param name="epsilon">Total ε.</param>
    /// <param name="delta">Total δ.</param>
    /// <param name="privacy">The noise source: <c>new DifferentialPrivacy()</c> for real releases.</param>
    /// <param name="seeded">Whether <paramref name="privacy"/> was seeded (recorded in the result; a seeded release has no privacy).</param>
    /// <exception cref="ArgumentException">Bad bounds, too few records, or ε, δ the mechanism refuses.</exception>
    public static PrivateStatistics Release(
        CohortStatisticsResult exact,
        IReadOnlyList<double> lower,
        IReadOnlyList<double> upper,
        long records,
        PrivacyMechanism mechanism,
        double epsilon,
        double delta,
        DifferentialPrivacy privacy,
        bool seeded)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(privacy);
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 2);
        var features = exact.Features.Count;
        if (lower.Count < features || upper.Count < features)
        {
            throw new ArgumentException($"{features} features need {features} declared lower and upper bounds.", nameof(lower));
        }

        if (mechanism == PrivacyMechanism.Laplace && delta != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Laplace mechanism is pure ε-DP: δ must be 0 (use the Gaussian mechanism for (ε, δ)-DP).");
        }

        var values = features * StatisticsPerFeature;
        var share = epsilon / values;
        var deltaShare = delta / values;
        var n = (double)records;
        var released = new List<ReleasedStatistic>(values);
        for (var c = 0; c < features; c++)
        {
            var (l, u) = (lower[c], upper[c]);
            var name = exact.Features[c];
            var maxVariance = (u - l) * (u - l) * n / (4 * (n - 1));
            released.Add(new("sum", name, Noisy(exact.Sums[c], Sensitivity.Sum(l, u, NeighbouringRelation.Replace), n * l, n * u)));
            released.Add(new("mean", name, Noisy(exact.Means[c], Sensitivity.Mean(l, u, records), l, u)));
            released.Add(new("variance", name, Noisy(exact.Variances[c], Sensitivity.Variance(l, u, records), 0, maxVariance)));
        }

        return new PrivateStatistics(mechanism, NeighbouringRelation.Replace, epsilon, delta, records, released, seeded);

        PrivateRelease Noisy(double value, double sensitivity, double min, double max) => mechanism switch
        {
            PrivacyMechanism.Laplace => privacy.Laplace(value, sensitivity, share, min, max),
            PrivacyMechanism.Gaussian => privacy.Gaussian(value, sensitivity, share, deltaShare, min, max),
            _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "Unknown mechanism."),
        };
    }
}
