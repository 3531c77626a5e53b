namespace HeCompute.Client.Statistics;

/// <summary>
/// Statistics of a dataset computed on the client from the decrypted moments: Σx_c (result <c>sums</c>) and, for each
/// offset k, Σx_c·x_(c+k) (result <c>products-k</c>, slot c), with the dataset's column scales multiplied back.
/// Variances and covariances use n − 1 (sample); divisions and square roots happen here, in double precision.
/// </summary>
/// <param name="Count">Number of records (the sum of the constant column).</param>
/// <param name="Features">Feature names.</param>
/// <param name="Sums">Σ x per feature.</param>
/// <param name="Means">Mean per feature.</param>
/// <param name="Variances">Sample variance per feature.</param>
/// <param name="StandardDeviations">Sample standard deviation per feature.</param>
/// <param name="Covariance">Sample covariance matrix of the features.</param>
/// <param name="Correlation">Pearson correlation matrix of the features.</param>
/// <param name="Groups">Counts and feature means per indicator column.</param>
public sealed record CohortStatisticsResult(
    double Count,
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Sums,
    IReadOnlyList<double> Means,
    IReadOnlyList<double> Variances,
    IReadOnlyList<double> StandardDeviations,
    IReadOnlyList<IReadOnlyList<double>> Covariance,
    IReadOnlyList<IReadOnlyList<double>> Correlation,
    IReadOnlyList<GroupStatistics> Groups)
{
    /// <summary>
    /// Computes the statistics from decrypted moments. <paramref name="sums"/>[c] is the scaled Σx_c and
    /// <paramref name="products"/>[k][c] the scaled Σx_c·x_(c+k) (at least m − k slots each); columns are
    /// <paramref name="columns"/> with the count column at <paramref name="countColumn"/>: features before it,
    /// indicators after it. <paramref name="groupSquares"/>, when given, has one entry per indicator whose slot c is the
    /// scaled Σ I_g·x_c² (<c>group-squares-i</c>), for the group variances.
    /// </summary>
    public static CohortStatisticsResult FromMoments(
        IReadOnlyList<string> columns,
        IReadOnlyList<double> scales,
        int countColumn,
        IReadOnlyList<double> sums,
        IReadOnlyList<IReadOnlyList<double>> products,
        IReadOnlyList<IReadOnlyList<double>>? groupSquares = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(products);
        var m = columns.Count;
        if (scales.Count != m || sums.Count < m || products.Count != m)
        {
            throw new ArgumentException($"{m} columns need {m} scales, {m} sums and {m} product results; got {scales.Count}, {sums.Count} and {products.Count}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(countColumn);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(countColumn, m);
        if (groupSquares is not null && (groupSquares.Count != m - countColumn - 1 || groupSquares.Any(g => g.Count < countColumn)))
        {
            throw new ArgumentException($"Group sums of squares need one result per indicator ({m - countColumn - 1}), each with a slot per feature ({countColumn}).", nameof(groupSquares));
        }

        var sum = new double[m];
        var cross = new double[m, m];
        for (var c = 0; c < m; c++)
        {
            sum[c] = sums[c] * scales[c];
        }

        for (var k = 0; k < m; k++)
        {
            if (products[k].Count < m - k)
            {
                throw new ArgumentException($"products-{k} has {products[k].Count} values; it needs {m - k}.", nameof(products));
            }

            for (var c = 0; c + k < m; c++)
            {
                var value = products[k][c] * scales[c] * scales[c + k];
                cross[c, c + k] = value;
                cross[c + k, c] = value;
            }
        }

        var n = sum[countColumn];
        var f = countColumn;
        var means = new double[f];
        var variances = new double[f];
        var deviations = new double[f];
        var covariance = new double[f][];
        var correlation = new double[f][];
        for (var a = 0; a < f; a++)
        {
            means[a] = sum[a] / n;
            covariance[a] = new double[f];
            for (var b = 0; b < f; b++)
            {
                covariance[a][b] = (cross[a, b] - (sum[a] * sum[b] / n)) / (n - 1);
            }
        }

        for (var a = 0; a < f; a++)
        {
            variances[a] = covariance[a][a];
            deviations[a] = Math.Sqrt(Math.Max(variances[a], 0));
        }

        for (var a = 0; a < f; a++)
        {
            correlation[a] = new double[f];
            for (var b = 0; b < f; b++)
            {
                correlation[a][b] = covariance[a][b] / (deviations[a] * deviations[b]);
            }
        }

        var groups = new List<GroupStatistics>(m - countColumn - 1);
        for (var g = countColumn + 1; g < m; g++)
        {
            var groupMeans = new double[f];
            for (var a = 0; a < f; a++)
            {
                groupMeans[a] = sum[g] == 0 ? double.NaN : cross[a, g] / sum[g];
            }

            double[]? groupVariances = null;
            if (groupSquares is not null)
            {
                var squares = groupSquares[g - countColumn - 1];
                groupVariances = new double[f];
                for (var a = 0; a < f; a++)
                {
                    var squareSum = squares[a] * scales[a] * scales[a] * scales[g];
                    groupVariances[a] = sum[g] < 2 ? double.NaN : (squareSum - (cross[a, g] * cross[a, g] / sum[g])) / (sum[g] - 1);
                }
            }

            groups.Add(new GroupStatistics(columns[g], sum[g], sum[g] / n, groupMeans, groupVariances));
        }

        var features = new string[f];
        var featureSums = new double[f];
        for (var a = 0; a < f; a++)
        {
            features[a] = columns[a];
            featureSums[a] = sum[a];
        }

        return new CohortStatisticsResult(n, features, featureSums, means, variances, deviations, covariance, correlation, groups);
    }
}
