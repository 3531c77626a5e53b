using HeCompute.Client.Statistics;

namespace HeCompute.Client.Tests;

public sealed class CohortStatisticsTests
{
    [Fact]
    public void StatisticsFromScaledMomentsMatchTwoPassDoublePrecision()
    {
        // Columns: age, size (features), count, and two group indicators.
        string[] columns = ["age", "size", "count", "male", "female"];
        double[] scales = [100, 50, 1, 1, 1];
        var random = new Random(7);
        var rows = new List<double[]>();
        for (var i = 0; i < 200; i++)
        {
            var male = random.Next(2);
            rows.Add([20 + (60 * random.NextDouble()), (10 * random.NextDouble()) + (5 * male), 1, male, 1 - male]);
        }

        // What the server computes under encryption: Σ of the scaled columns and Σ x_c·x_(c+k), scaled.
        var m = columns.Length;
        var sums = new double[m];
        var products = new double[m][];
        for (var k = 0; k < m; k++)
        {
            products[k] = new double[m];
        }

        foreach (var row in rows)
        {
            for (var c = 0; c < m; c++)
            {
                sums[c] += row[c] / scales[c];
                for (var k = 0; c + k < m; k++)
                {
                    products[k][c] += row[c] / scales[c] * (row[c + k] / scales[c + k]);
                }
            }
        }

        var result = CohortStatisticsResult.FromMoments(columns, scales, 2, sums, products);

        // Oracle: two-pass sample statistics on the raw rows.
        Assert.Equal(200, result.Count, 9);
        Assert.Equal(["age", "size"], result.Features);
        var n = rows.Count;
        var means = new double[2];
        for (var a = 0; a < 2; a++)
        {
            means[a] = rows.Sum(r => r[a]) / n;
            Assert.Equal(means[a], result.Means[a], 9);
        }

        for (var a = 0; a < 2; a++)
        {
            for (var b = 0; b < 2; b++)
            {
                var covariance = rows.Sum(r => (r[a] - means[a]) * (r[b] - means[b])) / (n - 1);
                Assert.Equal(covariance, result.Covariance[a][b], 8);
            }

            Assert.Equal(Math.Sqrt(result.Covariance[a][a]), result.StandardDeviations[a], 10);
        }

        var correlation = result.Covariance[0][1] / Math.Sqrt(result.Covariance[0][0] * result.Covariance[1][1]);
        Assert.Equal(correlation, result.Correlation[0][1], 12);
        Assert.Equal(1.0, result.Correlation[1][1], 12);

        var males = rows.Where(r => r[3] == 1).ToList();
        var maleGroup = result.Groups[0];
        Assert.Equal("male", maleGroup.Name);
        Assert.Equal(males.Count, maleGroup.Count, 9);
        Assert.Equal(males.Average(r => r[1]), maleGroup.Means[1], 9);
        Assert.Equal(rows.Where(r => r[4] == 1).Average(r => r[0]), result.Groups[1].Means[0], 9);
    }

    [Fact]
    public void GroupVariancesFractionsAndHistogramBinsFromGroupSquaresMatchDoublePrecision()
    {
        // One feature, the count, and three one-hot bins of it ([0, 30), [30, 60), [60, 90)); the last bin stays empty.
        string[] columns = ["age", "count", "young", "middle", "old"];
        double[] scales = [100, 1, 1, 1, 1];
        var random = new Random(3);
        var ages = Enumerable.Range(0, 120).Select(_ => 60 * random.NextDouble()).ToArray();
        var rows = ages.Select(a => new[] { a, 1, a < 30 ? 1 : 0, a >= 30 ? 1 : 0, 0.0 }).ToList();
        var m = columns.Length;
        var sums = new double[m];
        var products = new double[m][];
        for (var k = 0; k < m; k++)
        {
            products[k] = new double[m];
        }

        // group-squares-i, slot 0: Σ I_g·x², scaled by s_age²·s_g (GroupStatistics.Finish on the server).
        var groupSquares = new double[3][];
        for (var i = 0; i < 3; i++)
        {
            groupSquares[i] = new double[1];
        }

        foreach (var row in rows)
        {
            for (var c = 0; c < m; c++)
            {
                sums[c] += row[c] / scales[c];
                for (var k = 0; c + k < m; k++)
                {
                    products[k][c] += row[c] / scales[c] * (row[c + k] / scales[c + k]);
                }
            }

            for (var i = 0; i < 3; i++)
            {
                groupSquares[i][0] += row[2 + i] * (row[0] / scales[0]) * (row[0] / scales[0]);
            }
        }

        var result = CohortStatisticsResult.FromMoments(columns, scales, 1, sums, products, groupSquares);

        Assert.Equal(["young", "middle", "old"], result.Groups.Select(g => g.Name));
        for (var i = 0; i < 2; i++)
        {
            var members = ages.Where(a => i == 0 ? a < 30 : a >= 30).ToArray();
            var group = result.Groups[i];
            var mean = members.Average();
            Assert.Equal(members.Length, group.Count, 9);
            Assert.Equal((double)members.Length / ages.Length, group.Fraction, 12);
            Assert.Equal(mean, group.Means[0], 9);
            Assert.Equal(members.Sum(a => (a - mean) * (a - mean)) / (members.Length - 1), group.Variances![0], 7);
        }

        var empty = result.Groups[2];
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.Means[0]) && double.IsNaN(empty.Variances![0]));

        // Without the group squares, the group variances are absent rather than made up.
        Assert.Null(CohortStatisticsResult.FromMoments(columns, scales, 1, sums, products).Groups[0].Variances);
        Assert.Throws<ArgumentException>(() => CohortStatisticsResult.FromMoments(columns, scales, 1, sums, products, groupSquares[..2]));
    }

    [Fact]
    public void EncryptedFinishResultsAreRescaledPerFeature()
    {
        // Scaled slots as the server's mean, variance and stddev results hold them (slot 2 is the count column: ignored).
        var result = EncryptedFinishStatistics.FromDecrypted(["age", "size", "count"], [100, 20, 1], 2, [0.45, 0.3, 99], [0.0144, 0.01, 99], [0.12, 0.1, 99]);

        Assert.Equal(["age", "size"], result.Features);
        Assert.Equal([45, 6], result.Means.Select(v => Math.Round(v, 9)));
        Assert.Equal([144, 4], result.Variances.Select(v => Math.Round(v, 9)));
        Assert.Equal([12, 2], result.StandardDeviations.Select(v => Math.Round(v, 9)));
    }
}
