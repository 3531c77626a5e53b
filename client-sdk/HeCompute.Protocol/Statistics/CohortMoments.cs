namespace HeCompute.Protocol.Statistics;

/// <summary>
/// The client side of the server's cohort statistics (records are packed by a <c>PlanPacker</c> as the dataset's plan
/// says): the finishing functions on the decrypted moments, with the column scales multiplied back, in double precision: count, sums, means, variances, standard
/// deviations, covariance and correlation matrices, histograms and group-by sums, counts and means.
/// </summary>
public sealed class CohortMoments
{
    private readonly double[] _sums;
    private readonly double[,] _cross;
    private readonly Dictionary<(int Column, int Indicator), double> _groupSquares;

    private CohortMoments(int countColumn, double[] sums, double[,] cross, Dictionary<(int Column, int Indicator), double> groupSquares)
    {
        CountColumn = countColumn;
        _sums = sums;
        _cross = cross;
        _groupSquares = groupSquares;
    }

    /// <summary>The column holding the constant 1.</summary>
    public int CountColumn { get; }

    /// <summary>Number of records: the sum of the constant column.</summary>
    public double Count => _sums[CountColumn];

    /// <summary>
    /// Reads the decrypted moments and undoes the column scales: <paramref name="decrypted"/>[0] holds the scaled Σx_c
    /// (result <c>sums</c>) and <paramref name="decrypted"/>[1 + k] the scaled Σx_c·x_(c+k) at slot c (result
    /// <c>products-k</c>, at least m − k slots); the columns are the m <paramref name="scales"/>, with the constant 1 at
    /// <paramref name="countColumn"/>: features before it, indicators after it.
    /// </summary>
    /// <exception cref="ArgumentException">The results do not match the columns.</exception>
    public static CohortMoments FromDecrypted(IReadOnlyList<double> scales, IReadOnlyList<IReadOnlyList<double>> decrypted, int countColumn)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(decrypted);
        var m = scales.Count;
        ArgumentOutOfRangeException.ThrowIfNegative(countColumn);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(countColumn, m);
        if (decrypted.Count < m + 1 || decrypted[0].Count < m)
        {
            throw new ArgumentException($"{m} columns need the sums ({m} slots) and {m} product results; got {decrypted.Count} results.", nameof(decrypted));
        }

        var sums = new double[m];
        var cross = new double[m, m];
        for (var c = 0; c < m; c++)
        {
            sums[c] = decrypted[0][c] * scales[c];
        }

        for (var k = 0; k < m; k++)
        {
            if (decrypted[1 + k].Count < m - k)
            {
                throw new ArgumentException($"products-{k} has {decrypted[1 + k].Count} values; it needs {m - k}.", nameof(decrypted));
            }

            for (var c = 0; c + k < m; c++)
            {
                var value = decrypted[1 + k][c] * scales[c] * scales[c + k];
                cross[c, c + k] = value;
                cross[c + k, c] = value;
            }
        }

        return new CohortMoments(countColumn, sums, cross, []);
    }

    /// <summary>Number of columns (features, the count, indicators).</summary>
    public int Columns => _sums.Length;

    /// <summary>Features: the columns before the count.</summary>
    public int FeatureCount => CountColumn;

    /// <summary>Indicator columns: the columns after the count.</summary>
    public IReadOnlyList<int> Indicators => [.. Enumerable.Range(CountColumn + 1, Columns - CountColumn - 1)];

    /// <summary>Σ x_c.</summary>
    public double Sum(int column) => _sums[column];

    /// <summary>Σ x_a·x_b.</summary>
    public double CrossSum(int a, int b) => _cross[a, b];

    /// <summary>Σ x_c / n.</summary>
    public double Mean(int column) => _sums[column] / Count;

    /// <summary>Covariance of columns a and b (n − 1 in the denominator unless <paramref name="population"/>).</summary>
    public double Covariance(int a, int b, bool population = false) =>
        (_cross[a, b] - (_sums[a] * _sums[b] / Count)) / (population ? Count : Count - 1);

    /// <summary>Variance of a column.</summary>
    public double Variance(int column, bool population = false) => Covariance(column, column, population);

    /// <summary>Standard deviation of a column (a variance that noise pushed below zero counts as zero).</summary>
    public double StandardDeviation(int column, bool population = false) => Math.Sqrt(Math.Max(Variance(column, population), 0));

    /// <summary>Pearson correlation of columns a and b.</summary>
    public double Correlation(int a, int b) => Covariance(a, b) / (StandardDeviation(a) * StandardDeviation(b));

    /// <summary>Number of records whose 0/1 indicator column is 1 (a histogram bin or a group size).</summary>
    public double IndicatorCount(int indicator) => _sums[indicator];

    /// <summary>Σ x_c over the records of a group (indicator column g).</summary>
    public double GroupSum(int column, int indicator) => _cross[column, indicator];

    /// <summary>Mean of column c over the records of a group (NaN for an empty group).</summary>
    public double GroupMean(int column, int indicator) => _sums[indicator] == 0 ? double.NaN : _cross[column, indicator] / _sums[indicator];

    /// <summary>
    /// These moments with the decrypted group sums of squares (result <c>group-squares-i</c>: one per indicator, slot c
    /// holding Σ I_g·x_c² in scaled units), which <see cref="GroupVariance"/> needs.
    /// </summary>
    public CohortMoments WithGroupSquares(IReadOnlyList<double> scales, IReadOnlyList<int> indicators, int features, IReadOnlyList<IReadOnlyList<double>> decrypted)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(decrypted);
        if (decrypted.Count != indicators.Count)
        {
            throw new ArgumentException($"{decrypted.Count} decrypted group results for {indicators.Count} indicators.", nameof(decrypted));
        }

        var squares = new Dictionary<(int Column, int Indicator), double>(_groupSquares);
        for (var i = 0; i < indicators.Count; i++)
        {
            for (var c = 0; c < features; c++)
            {
                squares[(c, indicators[i])] = decrypted[i][c] * scales[c] * scales[c] * scales[indicators[i]];
            }
        }

        return new CohortMoments(CountColumn, _sums, _cross, squares);
    }

    /// <summary>Σ I_g·x_c² over the records (needs <see cref="WithGroupSquares"/>).</summary>
    public double GroupSquareSum(int column, int indicator) =>
        _groupSquares.TryGetValue((column, indicator), out var value)
            ? value
            : throw new InvalidOperationException($"No group sum of squares for column {column} and indicator {indicator}: add them with WithGroupSquares.");

    /// <summary>
    /// Variance of column c over the records of a group (n_g − 1 in the denominator unless <paramref name="population"/>;
    /// NaN for a group too small to have one).
    /// </summary>
    public double GroupVariance(int column, int indicator, bool population = false)
    {
        var count = _sums[indicator];
        var sum = _cross[column, indicator];
        return count < (population ? 1 : 2) ? double.NaN : (GroupSquareSum(column, indicator) - (sum * sum / count)) / (population ? count : count - 1);
    }
}
