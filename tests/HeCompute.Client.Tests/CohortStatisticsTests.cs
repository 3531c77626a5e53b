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
}
