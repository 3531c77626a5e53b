namespace HeCompute.Contracts;

/// <summary>
/// Body of <c>POST /v1/studies</c> (role <c>hospital</c>): a joint study under a collective key that no participant
/// holds alone. The creating tenant is party 0, then <paramref name="Participants"/> in order. The statistics plan is
/// a dataset's (<see cref="CreateDatasetRequest"/>); its parameters and Galois elements fix the key ceremony.
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="Participants">The other participating tenants (at least one, each once, not the creator).</param>
/// <param name="Features">Feature names.</param>
/// <param name="Lower">Declared lower bound of each feature.</param>
/// <param name="Upper">Declared upper bound of each feature.</param>
/// <param name="EncryptedFinish">Whether mean, variance and standard deviation are finished under encryption.</param>
/// <param name="MaxRecords">Upper bound on the records of all participants together (default 100000).</param>
/// <param name="PrecisionBits">Bits of absolute precision per result divided by the count (default 20).</param>
public sealed record CreateStudyRequest(
    string Name,
    IReadOnlyList<string> Participants,
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    bool EncryptedFinish = false,
    int? MaxRecords = null,
    int? PrecisionBits = null);

/// <summary>One participant of a study.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Party">Its party number in the key ceremony (0..N−1; the creator is 0).</param>
/// <param name="Joined">Whether it has joined (every participant must join before the first round).</param>
public sealed record StudyParticipant(string TenantId, int Party, bool Joined);

/// <summary>How far one protocol round is.</summary>
/// <param name="Round">One of <see cref="StudyRounds"/>' names.</param>
/// <param name="GaloisElement">The Galois element of an <see cref="StudyRounds.GaloisKeys"/> round (0 otherwise).</param>
/// <param name="Parties">The parties whose share the server holds.</param>
/// <param name="Complete">Whether every party's share is in and the round is aggregated.</param>
public sealed record StudyRoundStatus(string Round, uint GaloisElement, IReadOnlyList<int> Parties, bool Complete);

/// <summary>A study as a participant sees it.</summary>
/// <param name="Id">Study id.</param>
/// <param name="Name">Display name.</param>
/// <param name="CoordinatorTenantId">The creator (party 0); the study's dataset and collective key set are held in its name.</param>
/// <param name="Party">The caller's party number.</param>
/// <param name="Participants">Every participant in party order.</param>
/// <param name="CommonSeed">Base64 of the 64-byte common reference seed every party derives the CRS from.</param>
/// <param name="Threshold">Parties needed to release (N: every participant).</param>
/// <param name="GaloisElements">The Galois elements of the RTG rounds (the plan's).</param>
/// <param name="Rounds">Progress of every key-generation round.</param>
/// <param name="KeySetId">The collective key set once CKG, RKG and RTG are complete (then records may be uploaded).</param>
/// <param name="DatasetId">The study's encrypted cohort (records, batches, statistics jobs).</param>
/// <param name="Plan">Parameters, keys and packing.</param>
/// <param name="Columns">Column names in record order.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record StudyResponse(
    string Id,
    string Name,
    string CoordinatorTenantId,
    int Party,
    IReadOnlyList<StudyParticipant> Participants,
    string CommonSeed,
    int Threshold,
    IReadOnlyList<uint> GaloisElements,
    IReadOnlyList<StudyRoundStatus> Rounds,
    string? KeySetId,
    string DatasetId,
    PlanDocument Plan,
    IReadOnlyList<string> Columns,
    DateTimeOffset CreatedAt);

/// <summary>A list of studies.</summary>
public sealed record StudyListResponse(IReadOnlyList<StudyResponse> Items);

/// <summary>A share the server accepted.</summary>
/// <param name="Round">The round.</param>
/// <param name="GaloisElement">Its Galois element (RTG) or 0.</param>
/// <param name="Party">The party that made it.</param>
/// <param name="Sha256">Hex SHA-256 of the share as sent (also in the audit chain).</param>
/// <param name="Bytes">Its size.</param>
/// <param name="RoundComplete">Whether this share completed the round (the server then aggregated it).</param>
public sealed record StudyShareResponse(string Round, uint GaloisElement, int Party, string Sha256, long Bytes, bool RoundComplete);

/// <summary>
/// A release: one statistics result switched, by decryption shares of every participant, to a named querier's public
/// key. The released ciphertext is readable with the querier's secret key only.
/// </summary>
/// <param name="Id">Release id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="RequestedBy">The participant that asked for it.</param>
/// <param name="QuerierTenantId">The tenant that may download the released ciphertext.</param>
/// <param name="JobId">The statistics job.</param>
/// <param name="Result">The job result released (e.g. <c>sums</c>, <c>mean</c>).</param>
/// <param name="CiphertextSha256">Hex SHA-256 of the result ciphertext the shares are made for.</param>
/// <param name="QuerierKeySha256">Hex SHA-256 of the querier's public key.</param>
/// <param name="Approvals">Parties whose decryption share the server holds.</param>
/// <param name="Released">Whether every share is in and the released ciphertext exists.</param>
/// <param name="CreatedAt">When it was requested.</param>
/// <param name="ReleasedAt">When it was released.</param>
public sealed record StudyReleaseResponse(
    string Id,
    string StudyId,
    string RequestedBy,
    string QuerierTenantId,
    string JobId,
    string Result,
    string CiphertextSha256,
    string QuerierKeySha256,
    IReadOnlyList<int> Approvals,
    bool Released,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReleasedAt);

/// <summary>A list of releases.</summary>
public sealed record StudyReleaseListResponse(IReadOnlyList<StudyReleaseResponse> Items);

/// <summary>Round names of <c>POST /v1/studies/{id}/rounds/{round}/shares</c>.</summary>
public static class StudyRounds
{
    /// <summary>Collective public-key generation.</summary>
    public const string PublicKey = "ckg";

    /// <summary>Relinearization-key generation, round one (its aggregate is served to round two).</summary>
    public const string RelinRoundOne = "rkg-1";

    /// <summary>Relinearization-key generation, round two.</summary>
    public const string RelinRoundTwo = "rkg-2";

    /// <summary>Galois-key generation, one round per Galois element (<c>?element=</c>).</summary>
    public const string GaloisKeys = "rtg";

    /// <summary>The rounds in protocol order.</summary>
    public static IReadOnlyList<string> All { get; } = [PublicKey, RelinRoundOne, RelinRoundTwo, GaloisKeys];
}
