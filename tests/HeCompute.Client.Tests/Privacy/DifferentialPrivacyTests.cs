using HeCompute.Client.Privacy;
using Xunit.Abstractions;

namespace HeCompute.Client.Tests.Privacy;

/// <summary>
/// The release helper: the empirical distribution of many releases is the snapped mechanism's (mean, variance
/// 2b² + Λ²/12 or σ² + Λ²/12, and the exact probabilities of each grid value, KS-style), the sensitivities equal the
/// largest change over brute-forced neighbouring cohorts, and invalid parameters are refused.
/// </summary>
public sealed class DifferentialPrivacyTests(ITestOutputHelper output)
{
    private const int Releases = 20000;

    [Fact]
    public void LaplaceReleasesFollowTheSnappedLaplaceDistribution()
    {
        var privacy = new DifferentialPrivacy(new Random(7));
        var releases = Enumerable.Range(0, Releases).Select(_ => privacy.Laplace(10, 1, 0.5, -1000, 1000)).ToArray();
        var first = releases[0];
        Assert.Equal(PrivacyMechanism.Laplace, first.Mechanism);
        Assert.Equal((0.5, 0.0, 1.0, 2.0, 2.0), (first.Epsilon, first.Delta, first.Sensitivity, first.NoiseScale, first.Granularity));
        var b = first.NoiseScale;
        Check(releases, 10, (2 * b * b) + (first.Granularity * first.Granularity / 12), x => x < 0 ? 0.5 * Math.Exp(x / b) : 1 - (0.5 * Math.Exp(-x / b)));
    }

    [Fact]
    public void GaussianReleasesFollowTheSnappedNormalDistribution()
    {
        var privacy = new DifferentialPrivacy(new Random(11));
        var releases = Enumerable.Range(0, Releases).Select(_ => privacy.Gaussian(64, 1, 0.5, 1e-5, -10000, 10000)).ToArray();
        var first = releases[0];
        var sigma = Math.Sqrt(2 * Math.Log(1.25 / 1e-5)) / 0.5;
        Assert.Equal(PrivacyMechanism.Gaussian, first.Mechanism);
        Assert.Equal(sigma, first.NoiseScale, 12);
        Assert.Equal(16, first.Granularity);
        Check(releases, 64, (sigma * sigma) + (first.Granularity * first.Granularity / 12), x => 0.5 * (1 + Erf(x / (sigma * Math.Sqrt(2)))));
    }

    [Fact]
    public void TheCsprngInstanceReleasesAroundTheValue()
    {
        var privacy = new DifferentialPrivacy();
        var values = Enumerable.Range(0, 4000).Select(_ => privacy.Laplace(100, 2, 1, 0, 1000).Value).ToArray();
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        output.WriteLine($"CSPRNG Laplace b = 2: mean {mean:F3}, variance {variance:F3} (expected {8 + (4.0 / 12):F3})");
        Assert.InRange(mean, 100 - 0.3, 100 + 0.3);
        Assert.InRange(variance, 8.33 * 0.85, 8.33 * 1.15);
        Assert.True(values.Distinct().Count() > 10);
    }

    [Fact]
    public void ReleasesAreClampedAndOnTheGrid()
    {
        var privacy = new DifferentialPrivacy(new Random(3));
        for (var i = 0; i < 200; i++)
        {
            var release = privacy.Laplace(0.3, 1, 2, 0, 1);
            Assert.InRange(release.Value, 0, 1);
            Assert.Equal(0.5, release.Granularity);
            Assert.Equal(0, release.Value % release.Granularity);
        }
    }

    [Fact]
    public void SensitivitiesEqualTheLargestChangeOverNeighbouringCohorts()
    {
        const double lower = -2, upper = 3;
        var grid = Enumerable.Range(0, 6).Select(i => lower + (i * (upper - lower) / 5)).ToArray();
        for (var n = 2; n <= 4; n++)
        {
            double sumReplace = 0, meanReplace = 0, varianceReplace = 0, sumAddRemove = 0, countAddRemove = 0;
            foreach (var cohort in Cohorts(grid, n))
            {
                foreach (var replacement in grid)
                {
                    var neighbour = cohort.ToArray();
                    neighbour[^1] = replacement;
                    sumReplace = Math.Max(sumReplace, Math.Abs(neighbour.Sum() - cohort.Sum()));
                    meanReplace = Math.Max(meanReplace, Math.Abs(neighbour.Average() - cohort.Average()));
                    varianceReplace = Math.Max(varianceReplace, Math.Abs(Variance(neighbour) - Variance(cohort)));
                }

                var removed = cohort[..^1];
                sumAddRemove = Math.Max(sumAddRemove, Math.Abs(removed.Sum() - cohort.Sum()));
                countAddRemove = Math.Max(countAddRemove, cohort.Length - removed.Length);
            }

            Assert.Equal(Sensitivity.Sum(lower, upper, NeighbouringRelation.Replace), sumReplace, 12);
            Assert.Equal(Sensitivity.Mean(lower, upper, n), meanReplace, 12);
            Assert.Equal(Sensitivity.Variance(lower, upper, n), varianceReplace, 12);
            Assert.Equal(Sensitivity.Sum(lower, upper, NeighbouringRelation.AddRemove), sumAddRemove, 12);
            Assert.Equal(Sensitivity.Count(NeighbouringRelation.AddRemove), countAddRemove);
        }

        Assert.Equal(0, Sensitivity.Count(NeighbouringRelation.Replace));
    }

    [Fact]
    public void InvalidParametersAreRefused()
    {
        var privacy = new DifferentialPrivacy(new Random(1));
        foreach (var epsilon in new[] { 0, -1, double.NaN, double.PositiveInfinity })
        {
            Assert.ThrowsAny<ArgumentException>(() => privacy.Laplace(1, 1, epsilon, 0, 10));
        }

        foreach (var (epsilon, delta) in new[] { (1.0, 1e-5), (0.5, 0.0), (0.5, 1.0), (0.0, 1e-5), (0.5, double.NaN) })
        {
            Assert.ThrowsAny<ArgumentException>(() => privacy.Gaussian(1, 1, epsilon, delta, 0, 10));
        }

        Assert.ThrowsAny<ArgumentException>(() => privacy.Laplace(1, 0, 1, 0, 10));
        Assert.ThrowsAny<ArgumentException>(() => privacy.Laplace(1, double.NaN, 1, 0, 10));
        Assert.ThrowsAny<ArgumentException>(() => privacy.Laplace(double.NaN, 1, 1, 0, 10));
        Assert.ThrowsAny<ArgumentException>(() => privacy.Laplace(1, 1, 1, 10, 0));
        Assert.ThrowsAny<ArgumentException>(() => Sensitivity.Sum(3, 3, NeighbouringRelation.Replace));
        Assert.ThrowsAny<ArgumentException>(() => Sensitivity.Mean(0, double.PositiveInfinity, 10));
        Assert.ThrowsAny<ArgumentException>(() => Sensitivity.Variance(0, 1, 1));
    }

    /// <summary>Mean and variance of the releases, and the probability of every grid value against the exact snapped mechanism.</summary>
    private void Check(PrivateRelease[] releases, double value, double variance, Func<double, double> noiseCdf)
    {
        var values = releases.Select(r => r.Value).ToArray();
        var granularity = releases[0].Granularity;
        var mean = values.Average();
        var sampleVariance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);

        // Empirical CDF at every grid point vs P(noise < (k + 1/2)Λ) (values on the grid round half to even: ties have probability 0).
        var sorted = values.Order().ToArray();
        var ks = 0.0;
        for (var k = -60; k <= 60; k++)
        {
            var point = value + (k * granularity);
            var empirical = (double)sorted.Count(v => v <= point) / sorted.Length;
            ks = Math.Max(ks, Math.Abs(empirical - noiseCdf((k + 0.5) * granularity)));
        }

        output.WriteLine($"{releases[0].Mechanism}: mean {mean:F4} (true {value}), variance {sampleVariance:F3} (expected {variance:F3}), KS distance {ks:F4} (0.1 % critical {1.95 / Math.Sqrt(values.Length):F4})");
        Assert.True(values.All(v => v % granularity == 0));
        Assert.InRange(mean, value - (4 * Math.Sqrt(variance / values.Length)), value + (4 * Math.Sqrt(variance / values.Length)));
        Assert.InRange(sampleVariance / variance, 0.93, 1.07);
        Assert.True(ks < 1.95 / Math.Sqrt(values.Length), $"KS {ks}");
    }

    private static IEnumerable<double[]> Cohorts(double[] grid, int n)
    {
        var indices = new int[n];
        while (true)
        {
            yield return [.. indices.Select(i => grid[i])];
            var position = 0;
            while (position < n && ++indices[position] == grid.Length)
            {
                indices[position++] = 0;
            }

            if (position == n)
            {
                yield break;
            }
        }
    }

    private static double Variance(double[] values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }

    /// <summary>Abramowitz–Stegun 7.1.26 (absolute error below 1.5·10⁻⁷).</summary>
    private static double Erf(double x)
    {
        var t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        return Math.Sign(x) * (1 - (polynomial * Math.Exp(-x * x)));
    }
}
