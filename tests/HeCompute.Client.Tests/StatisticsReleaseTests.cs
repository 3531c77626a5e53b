using HeCompute.Client.Privacy;
using HeCompute.Client.Statistics;

namespace HeCompute.Client.Tests;

/// <summary>
/// Releasing decrypted statistics through the privacy helper: bounded-DP sensitivities of each statistic, the budget
/// split by sequential composition, data-independent clamps, noise of the stated scale, and seeds that reproduce.
/// </summary>
public sealed class StatisticsReleaseTests
{
    // Two features: age in [0, 100] and size in [0, 20], over n = 50 records.
    private static readonly CohortStatisticsResult Exact = new(
        50, ["age", "size"], [2500, 400], [50, 8], [300, 9], [Math.Sqrt(300), 3], [[300, 10], [10, 9]], [[1, 0.19], [0.19, 1]], []);

    [Fact]
    public void EachValueGetsItsShareOfTheBudgetAndItsBoundedDpSensitivity()
    {
        var release = StatisticsRelease.Release(Exact, [0, 0], [100, 20], 50, PrivacyMechanism.Laplace, 3, 0, new DifferentialPrivacy(new Random(1)), seeded: true);

        Assert.Equal((3.0, 0.0, 50L, true), (release.TotalEpsilon, release.TotalDelta, release.Records, release.Seeded));
        Assert.Equal(NeighbouringRelation.Replace, release.Relation);
        Assert.Equal(["sum", "mean", "variance", "sum", "mean", "variance"], release.Values.Select(v => v.Statistic));
        Assert.Equal(3.0, release.Values.Sum(v => v.Release.Epsilon), 12);
        var age = release.Values.Where(v => v.Feature == "age").ToDictionary(v => v.Statistic, v => v.Release);

        // Replacing one record in [0, 100] moves the sum by 100, the mean by 100/n, the sample variance by 100²/n.
        Assert.Equal((100.0, 2.0, 200.0), (age["sum"].Sensitivity, age["mean"].Sensitivity, age["variance"].Sensitivity));
        Assert.Equal(100 / 0.5, age["sum"].NoiseScale, 12);
        Assert.Equal((0.0, 5000.0), (age["sum"].Lower, age["sum"].Upper));
        Assert.Equal((0.0, 100.0), (age["mean"].Lower, age["mean"].Upper));
        Assert.Equal(100.0 * 100 * 50 / (4 * 49), age["variance"].Upper, 9);
        Assert.All(release.Values, v => Assert.InRange(v.Release.Value, v.Release.Lower, v.Release.Upper));
    }

    [Fact]
    public void ReleasedMeansScatterAroundTheExactMeanWithTheLaplaceScale()
    {
        // Oracle: for Laplace noise of scale b, E[X − μ] = 0 and E|X − μ| = b (snapping to Λ adds a little variance).
        var privacy = new DifferentialPrivacy(new Random(9));
        var errors = new double[4000];
        double scale = 0;
        for (var i = 0; i < errors.Length; i++)
        {
            var mean = StatisticsRelease.Release(Exact, [0, 0], [100, 20], 50, PrivacyMechanism.Laplace, 6, 0, privacy, seeded: true).Values[1].Release;
            errors[i] = mean.Value - 50;
            scale = mean.NoiseScale;
        }

        Assert.Equal(2.0, scale, 12);
        Assert.InRange(errors.Average(), -0.15, 0.15);
        Assert.InRange(errors.Average(Math.Abs), 0.9 * scale, 1.1 * scale);
    }

    [Fact]
    public void SeedsReproduceAndGaussianSplitsDelta()
    {
        PrivateStatistics Gaussian(int seed) =>
            StatisticsRelease.Release(Exact, [0, 0], [100, 20], 50, PrivacyMechanism.Gaussian, 3, 6e-5, new DifferentialPrivacy(new Random(seed)), seeded: true);

        var first = Gaussian(4);
        Assert.Equal(first.Values.Select(v => v.Release.Value), Gaussian(4).Values.Select(v => v.Release.Value));
        Assert.NotEqual(first.Values.Select(v => v.Release.Value), Gaussian(5).Values.Select(v => v.Release.Value));
        Assert.All(first.Values, v => Assert.Equal((0.5, 1e-5), (v.Release.Epsilon, Math.Round(v.Release.Delta, 12))));
        Assert.Equal(DifferentialPrivacy.GaussianSigma(2, 0.5, 1e-5), first.Values[1].Release.NoiseScale, 12);
    }

    [Fact]
    public void InconsistentRequestsAreRefused()
    {
        var privacy = new DifferentialPrivacy(new Random(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StatisticsRelease.Release(Exact, [0, 0], [100, 20], 50, PrivacyMechanism.Laplace, 1, 1e-5, privacy, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => StatisticsRelease.Release(Exact, [0, 0], [100, 20], 1, PrivacyMechanism.Laplace, 1, 0, privacy, true));
        Assert.Throws<ArgumentException>(() => StatisticsRelease.Release(Exact, [0], [100], 50, PrivacyMechanism.Laplace, 1, 0, privacy, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => StatisticsRelease.Release(Exact, [0, 0], [100, 20], 50, PrivacyMechanism.Gaussian, 12, 1e-5, privacy, true));
    }
}
