namespace HeCompute.Analytics.Planning;

/// <summary>What a cohort's statistics plan is made for.</summary>
/// <param name="Features">Feature names.</param>
/// <param name="Lower">Declared lower bound of each feature (finite).</param>
/// <param name="Upper">Declared upper bound of each feature (finite, above the lower bound).</param>
/// <param name="Categories">Names of the 0/1 indicator columns (histogram bins or group-by categories); may be empty.</param>
/// <param name="EncryptedFinish">Whether means, variances and standard deviations are also finished under encryption.</param>
/// <param name="MaxRecords">Upper bound on the records the cohort will hold (at least 2).</param>
/// <param name="PrecisionBits">
/// Bits of absolute precision, in scaled units (x / scale): every result divided by the record count (means,
/// variances, standard deviations, and the moments' sums per record) has a CKKS error below 2^−bits. 1 to 50.
/// </param>
/// <param name="NoiseFlooding">Whether results will be flooded before they are returned (extra scale bits).</param>
public sealed record StatisticsPlanRequest(
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    IReadOnlyList<string> Categories,
    bool EncryptedFinish,
    int MaxRecords,
    int PrecisionBits = 20,
    bool NoiseFlooding = false);
