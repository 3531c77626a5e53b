namespace HeCompute.Client.Statistics;

/// <summary>
/// Means, sample variances and standard deviations the server finished under encryption (results <c>mean</c>,
/// <c>variance</c>, <c>stddev</c>: slot c for feature c, in scaled units), decrypted here with the scales multiplied
/// back. The standard deviation comes from a polynomial square root that is accurate for variances above 1/64 of the
/// largest the declared bounds allow (standard deviations above 1/8 of the largest); below that it drifts.
/// </summary>
/// <param name="Features">Feature names.</param>
/// <param name="Means">Σx / n per feature.</param>
/// <param name="Variances">Sample variance per feature (n − 1 in the denominator).</param>
/// <param name="StandardDeviations">√variance per feature, by the server's polynomial approximation.</param>
public sealed record EncryptedFinishStatistics(
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Means,
    IReadOnlyList<double> Variances,
    IReadOnlyList<double> StandardDeviations)
{
    /// <summary>
    /// Undoes the scales on the decrypted slots: the features are the columns before <paramref name="countColumn"/>,
    /// slot c of <paramref name="mean"/> and <paramref name="stddev"/> is multiplied by s_c, of
    /// <paramref name="variance"/> by s_c².
    /// </summary>
    public static EncryptedFinishStatistics FromDecrypted(
        IReadOnlyList<string> columns, IReadOnlyList<double> scales, int countColumn, IReadOnlyList<double> mean, IReadOnlyList<double> variance, IReadOnlyList<double> stddev)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        ArgumentNullException.ThrowIfNull(stddev);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(countColumn);
        if (columns.Count < countColumn || scales.Count < countColumn || mean.Count < countColumn || variance.Count < countColumn || stddev.Count < countColumn)
        {
            throw new ArgumentException($"{countColumn} features need as many names, scales and slots in each result.");
        }

        var names = new string[countColumn];
        var means = new double[countColumn];
        var variances = new double[countColumn];
        var deviations = new double[countColumn];
        for (var c = 0; c < countColumn; c++)
        {
            names[c] = columns[c];
            means[c] = mean[c] * scales[c];
            variances[c] = variance[c] * scales[c] * scales[c];
            deviations[c] = stddev[c] * scales[c];
        }

        return new EncryptedFinishStatistics(names, means, variances, deviations);
    }
}
