namespace HeCompute.Client.Statistics;

/// <summary>
/// The records whose indicator column is 1: a category of a group-by, or a histogram bin (with one-hot bins, the
/// <see cref="Count"/>s are the histogram and the <see cref="Fraction"/>s its normalised form).
/// </summary>
/// <param name="Name">The indicator column's name.</param>
/// <param name="Count">Records in the group: Σ I_g.</param>
/// <param name="Fraction">Count over all records.</param>
/// <param name="Means">Mean of each feature over the group: Σ I_g·x_c / Σ I_g (NaN for an empty group).</param>
/// <param name="Variances">
/// Sample variance of each feature over the group (n_g − 1 in the denominator; NaN below 2 records), or null when the
/// job did not return the group sums of squares (<c>group-squares-i</c>).
/// </param>
public sealed record GroupStatistics(string Name, double Count, double Fraction, IReadOnlyList<double> Means, IReadOnlyList<double>? Variances);
