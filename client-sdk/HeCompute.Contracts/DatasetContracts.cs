namespace HeCompute.Contracts;

/// <summary>
/// Body of <c>POST /v1/datasets</c> (role <c>hospital</c>): an encrypted cohort. Each record has the features, then a
/// constant 1 (the count column, added by the client), then one 0/1 indicator per category (one-hot histogram bins or
/// group-by categories). The server plans the parameters and keys (see <see cref="DatasetResponse.Plan"/>).
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="Features">Feature names.</param>
/// <param name="Lower">Declared lower bound of each feature (for scaling and the privacy helper's sensitivity).</param>
/// <param name="Upper">Declared upper bound of each feature.</param>
/// <param name="Categories">Indicator column names (optional).</param>
/// <param name="EncryptedFinish">
/// Whether statistics may be finished under encryption (means, variances, standard deviations by polynomial
/// approximations of 1/n and √x); this needs more levels, so the plan has more primes.
/// </param>
/// <param name="MaxRecords">Upper bound on the records the dataset will hold (sizes the encrypted division's interval; default 100000).</param>
/// <param name="PrecisionBits">
/// Bits of absolute precision of every result divided by the record count, in scaled units (default 20); fewer bits
/// may let the planner pick a smaller ring.
/// </param>
/// <param name="NoiseFlooding">
/// Plan for noise flooding (extra scale bits), so statistics may be requested with
/// <see cref="StatisticsRequest.NoiseFlooding"/>; the bound key set then also serves to flood.
/// </param>
public sealed record CreateDatasetRequest(
    string Name,
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    IReadOnlyList<string>? Categories = null,
    bool EncryptedFinish = false,
    int? MaxRecords = null,
    int? PrecisionBits = null,
    bool NoiseFlooding = false);

/// <summary>A dataset.</summary>
/// <param name="Id">Dataset id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Owned">Whether the caller's tenant owns it (contributors may only append).</param>
/// <param name="Columns">Column names in record order: features, <c>count</c>, categories.</param>
/// <param name="Scales">Per column, the divisor the client applies before encrypting (results are multiplied back).</param>
/// <param name="Lower">Declared lower bounds of the features.</param>
/// <param name="Upper">Declared upper bounds of the features.</param>
/// <param name="CountColumn">Index of the constant-1 column.</param>
/// <param name="EncryptedFinish">Whether statistics can be finished under encryption.</param>
/// <param name="KeySetId">The owner's key set bound to the dataset (set by <c>PUT /v1/datasets/{id}/keyset</c>), null until then.</param>
/// <param name="Batches">Number of record ciphertexts appended.</param>
/// <param name="Records">Number of records appended.</param>
/// <param name="Plan">Parameters, keys and packing (subject <c>statistics</c>).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="NoiseFlooding">Whether the plan allows noise-flooded statistics.</param>
/// <param name="MaxRecords">The declared upper bound on its records.</param>
public sealed record DatasetResponse(
    string Id,
    string Name,
    bool Owned,
    IReadOnlyList<string> Columns,
    IReadOnlyList<double> Scales,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    int CountColumn,
    bool EncryptedFinish,
    string? KeySetId,
    int Batches,
    long Records,
    PlanDocument Plan,
    DateTimeOffset CreatedAt,
    bool NoiseFlooding = false,
    int MaxRecords = 0);

/// <summary>A list of datasets.</summary>
public sealed record DatasetListResponse(IReadOnlyList<DatasetResponse> Items);

/// <summary>Body of <c>PUT /v1/datasets/{id}/keyset</c> (owner): the key set (matching the plan) used for appends and statistics.</summary>
/// <param name="KeySetId">Key set id; its public key is served to contributors.</param>
public sealed record BindKeySetRequest(string KeySetId);

/// <summary>Body of <c>POST /v1/datasets/{id}/contributors</c> (owner): let another tenant append records (nothing else).</summary>
/// <param name="TenantId">The contributing tenant.</param>
public sealed record AddContributorRequest(string TenantId);

/// <summary>
/// One appended batch: <c>POST /v1/datasets/{id}/batches?records=n</c> with one SEAL ciphertext
/// (<c>application/octet-stream</c>) encrypted under the dataset's key set (contributors fetch its public key from
/// <c>GET /v1/datasets/{id}/public-key</c>).
/// </summary>
/// <param name="Id">Batch id.</param>
/// <param name="Records">Records it holds.</param>
/// <param name="Sha256">Hex SHA-256 of the ciphertext.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="ContributorTenantId">The tenant that appended it.</param>
/// <param name="CreatedAt">When it was appended.</param>
public sealed record DatasetBatchResponse(string Id, int Records, string Sha256, long Bytes, string ContributorTenantId, DateTimeOffset CreatedAt);

/// <summary>
/// Body of <c>POST /v1/datasets/{id}/statistics</c> (owner) → 202 with a <see cref="JobResponse"/> (kind
/// <c>statistics</c>). Results: <c>sums</c> and <c>products-k</c> (k = 0 … m−1: slot c holds Σ x_c·x_(c+k)), from
/// which the client computes every statistic; with <paramref name="EncryptedFinish"/>, also <c>mean</c>,
/// <c>variance</c> and <c>stddev</c> (slot c for feature c) computed under encryption. The job's output JSON is a
/// <see cref="StatisticsJobOutput"/>.
/// </summary>
/// <param name="EncryptedFinish">Also finish means, variances and standard deviations under encryption (the dataset must allow it).</param>
/// <param name="NoiseFlooding">
/// Add noise flooding to every result (for decryptions that will be shared); the dataset must have been created with
/// <see cref="CreateDatasetRequest.NoiseFlooding"/>.
/// </param>
public sealed record StatisticsRequest(bool EncryptedFinish = false, bool NoiseFlooding = false);

/// <summary>Result names and limits of statistics jobs.</summary>
public static class StatisticsProtocol
{
    /// <summary>Job kind of statistics.</summary>
    public const string JobKind = "statistics";

    /// <summary>Column sums (slot c: Σ x_c, scaled).</summary>
    public const string Sums = "sums";

    /// <summary>Means finished under encryption (slot c: feature c, scaled).</summary>
    public const string Mean = "mean";

    /// <summary>Sample variances finished under encryption (slot c: feature c, scaled²).</summary>
    public const string Variance = "variance";

    /// <summary>Standard deviations finished under encryption (slot c: feature c, scaled).</summary>
    public const string StandardDeviation = "stddev";

    /// <summary>Products at column offset <paramref name="k"/> (slot c: Σ x_c·x_(c+k), scaled).</summary>
    public static string Products(int k) => $"products-{k}";

    /// <summary>
    /// Group sums of squares of the <paramref name="i"/>-th category (column count + 1 + i): slot c holds Σ I_g·x_c²
    /// for feature c, in scaled units (s_c²·s_g), as <c>GroupStatistics.Finish</c> gives them. Optional: clients
    /// compute group variances when a job lists these results.
    /// </summary>
    public static string GroupSquares(int i) => $"group-squares-{i}";
}

/// <summary>Output JSON of a statistics job.</summary>
/// <param name="Records">Records aggregated.</param>
/// <param name="Batches">Batches aggregated.</param>
/// <param name="Results">Result names in order.</param>
/// <param name="NoiseFloodingBits">Bits of flooding noise added (0 without flooding).</param>
public sealed record StatisticsJobOutput(long Records, int Batches, IReadOnlyList<string> Results, int NoiseFloodingBits);
