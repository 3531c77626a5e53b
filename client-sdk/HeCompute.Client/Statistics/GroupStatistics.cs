namespace HeCompute.Client.Statistics;

/// <summary>The records whose indicator column is 1: a category of a group-by, or a histogram bin.</summary>
/// <param name="Name">The indicator column's name.</param>
/// <param name="Count">Records in the group.</param>
/// <param name="Means">Mean of each feature over the group (NaN for an empty group).</param>
public sealed record GroupStatistics(string Name, double Count, IReadOnlyList<double> Means);
