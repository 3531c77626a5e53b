using HeCompute.Client.Privacy;

namespace HeCompute.Client.Statistics;

/// <summary>One statistic of one feature released with differential privacy.</summary>
/// <param name="Statistic"><c>sum</c>, <c>mean</c> or <c>variance</c>.</param>
/// <param name="Feature">The feature's name.</param>
/// <param name="Release">The released value with its ε, δ, sensitivity, noise scale, grid and clamp range.</param>
public sealed record ReleasedStatistic(string Statistic, string Feature, PrivateRelease Release);
