namespace HeCompute.Client.Statistics;

/// <summary>Everything a statistics job returned, decrypted.</summary>
/// <param name="DatasetId">The dataset.</param>
/// <param name="JobId">The statistics job.</param>
/// <param name="Records">Records the server aggregated (declared by the batches; public to the server).</param>
/// <param name="Batches">Batches aggregated.</param>
/// <param name="NoiseFloodingBits">
/// Bits of flooding noise the server added to every result (0: none). Flooded results are noisier by about
/// 2^bits / Δ in scaled units: what a shared decryption needs, not extra privacy for the released values.
/// </param>
/// <param name="Statistics">Statistics finished here from the decrypted sums and products (count, means, variances, correlations, groups).</param>
/// <param name="EncryptedFinish">The server's encrypted finishing, when the job was asked for it, else null.</param>
public sealed record DatasetStatistics(
    string DatasetId,
    string JobId,
    long Records,
    int Batches,
    int NoiseFloodingBits,
    CohortStatisticsResult Statistics,
    EncryptedFinishStatistics? EncryptedFinish);
