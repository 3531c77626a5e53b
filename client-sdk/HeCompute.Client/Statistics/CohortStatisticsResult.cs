using HeCompute.Protocol.Statistics;

namespace HeCompute.Client.Statistics;

/// <summary>
/// Statistics of a dataset computed on the client from the decrypted moments: Σx_c (result <c>sums</c>) and, for each
/// offset k, Σx_c·x_(c+k) (result <c>products-k</c>, slot c), with the dataset's column scales multiplied back
/// (<see cref="CohortMoments"/>). Variances and covariances use n − 1 (sample); divisions and square roots happen
/// here, in double precision.
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

        var moments = CohortMoments.FromDecrypted(scales, [sums, .. products], countColumn);
        var indicators = moments.Indicators;
        if (groupSquares is not null && (groupSquares.Count != indicators.Count || groupSquares.Any(g => g.Count < countColumn)))
        {
            throw new ArgumentException($"Group sums of squares need one result per indicator ({indicators.Count}), each with a slot per feature ({countColumn}).", nameof(groupSquares));
        }

        var f = moments.FeatureCount;
        if (groupSquares is not null)
        {
            moments = moments.WithGroupSquares(scales, indicators, f, groupSquares);
        }

        var n = moments.Count;
        var features = new string[f];
        var featureSums = new double[f];
        var means = new double[f];
        var variances = new double[f];
        var deviations = new double[f];
        var covariance = new double[f][];
        var correlation = new double[f][];
        for (var a = 0; a < f; a++)
        {
            features[a] = columns[a];
            featureSums[a] = moments.Sum(a);
            means[a] = moments.Mean(a);
            variances[a] = moments.Variance(a);
            deviations[a] = moments.StandardDeviation(a);
            covariance[a] = new double[f];
            correlation[a] = new double[f];
            for (var b = 0; b < f; b++)
            {
                covariance[a][b] = moments.Covariance(a, b);
                correlation[a][b] = moments.Correlation(a, b);
            }
        }

        var groups = new List<GroupStatistics>(indicators.Count);
        foreach (var g in indicators)
        {
            var groupMeans = new double[f];
            var groupVariances = groupSquares is null ? null : new double[f];
            for (var a = 0; a < f; a++)
            {
                groupMeans[a] = moments.GroupMean(a, g);
                if (groupVariances is not null)
                {
                    groupVariances[a] = moments.GroupVariance(a, g);
                }
            }

            groups.Add(new GroupStatistics(columns[g], moments.IndicatorCount(g), moments.IndicatorCount(g) / n, groupMeans, groupVariances));
        }

        return new CohortStatisticsResult(n, features, featureSums, means, variances, deviations, covariance, correlation, groups);
    }
}
