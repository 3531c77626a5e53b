namespace HeCompute.Server.Storage;

/// <summary>
/// An encrypted cohort: its definition, the statistics plan it was given, the owner's bound key set and the totals of
/// its appended batches.
/// </summary>
/// <param name="Id">Dataset id.</param>
/// <param name="TenantId">The owner.</param>
/// <param name="Name">Display name.</param>
/// <param name="Features">Feature names.</param>
/// <param name="Lower">Declared lower bounds of the features.</param>
/// <param name="Upper">Declared upper bounds of the features.</param>
/// <param name="Categories">Indicator column names.</param>
/// <param name="EncryptedFinish">Whether statistics may be finished under encryption.</param>
/// <param name="MaxRecords">Upper bound on the records it may hold.</param>
/// <param name="PrecisionBits">Precision the plan was made for.</param>
/// <param name="NoiseFlooding">Whether the plan allows noise-flooded statistics.</param>
/// <param name="Columns">Column names in record order.</param>
/// <param name="Scales">Per column, the divisor the client applies before encrypting.</param>
/// <param name="CountColumn">Index of the constant-1 column.</param>
/// <param name="PlanJson">The statistics plan document, serialized with the API's JSON conventions.</param>
/// <param name="KeySetId">The owner's key set bound to it, or null.</param>
/// <param name="Batches">Batches appended.</param>
/// <param name="Records">Records appended.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record DatasetRecord(
    string Id,
    string TenantId,
    string Name,
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    IReadOnlyList<string> Categories,
    bool EncryptedFinish,
    int MaxRecords,
    int PrecisionBits,
    bool NoiseFlooding,
    IReadOnlyList<string> Columns,
    IReadOnlyList<double> Scales,
    int CountColumn,
    string PlanJson,
    string? KeySetId,
    int Batches,
    long Records,
    DateTimeOffset CreatedAt);

/// <summary>One appended ciphertext of records; its blob is referenced by a <c>blob_refs</c> row owned by the batch.</summary>
/// <param name="Id">Batch id.</param>
/// <param name="DatasetId">The dataset.</param>
/// <param name="ContributorTenantId">The tenant that appended it (the owner or a contributor).</param>
/// <param name="Records">Records it holds.</param>
/// <param name="Sha256">Hex SHA-256 of the ciphertext.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="CreatedAt">When it was appended.</param>
public sealed record DatasetBatchRecord(string Id, string DatasetId, string ContributorTenantId, int Records, string Sha256, long Bytes, DateTimeOffset CreatedAt)
{
    /// <summary>Name of the batch's blob reference.</summary>
    public const string BlobName = "ciphertext";
}

/// <summary>How a tenant may use a dataset.</summary>
public enum DatasetAccess
{
    /// <summary>The tenant owns it: every operation.</summary>
    Owner,

    /// <summary>The tenant was added as a contributor: read its definition, fetch its public key, append batches.</summary>
    Contributor,
}

/// <summary>What appending a batch found.</summary>
public enum AppendOutcome
{
    /// <summary>Appended.</summary>
    Appended,

    /// <summary>No such dataset (or it was deleted meanwhile).</summary>
    NotFound,

    /// <summary>The records would exceed the dataset's declared maximum.</summary>
    TooManyRecords,
}
