using HeCompute.Client.Privacy;

namespace HeCompute.Client.Statistics;

/// <summary>
/// Cohort statistics released with differential privacy by <see cref="StatisticsRelease"/>: per feature the sum, mean
/// and sample variance, each with its share of the budget. Only these values may leave the owner; the exact decrypted
/// statistics they came from may not.
/// </summary>
/// <param name="Mechanism">Laplace or Gaussian.</param>
/// <param name="Relation">Replace (bounded DP): n is public, so means and variances have bounded sensitivity.</param>
/// <param name="TotalEpsilon">ε of the whole release (sequential composition of <see cref="Values"/>).</param>
/// <param name="TotalDelta">δ of the whole release (0 for Laplace).</param>
/// <param name="Records">n, released as is: public under bounded DP (and declared to the server by every batch).</param>
/// <param name="Values">The released statistics, each with ε = TotalEpsilon / count (and δ likewise).</param>
/// <param name="Seeded">
/// Whether the noise came from a seeded generator: reproducible for demonstrations, and no privacy at all — a seeded
/// release must never be published.
/// </param>
public sealed record PrivateStatistics(
    PrivacyMechanism Mechanism,
    NeighbouringRelation Relation,
    double TotalEpsilon,
    double TotalDelta,
    long Records,
    IReadOnlyList<ReleasedStatistic> Values,
    bool Seeded);
