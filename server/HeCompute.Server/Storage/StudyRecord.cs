namespace HeCompute.Server.Storage;

/// <summary>
/// A joint study: its participants in party order, the common reference seed of its key ceremony, its dataset (held
/// by the coordinator, every other participant a contributor) and, once the ceremony is complete, the collective key
/// set. Shares, aggregates and releases are rows and blob references of their own.
/// </summary>
/// <param name="Id">Study id.</param>
/// <param name="TenantId">The coordinator (party 0), which created it.</param>
/// <param name="Name">Display name.</param>
/// <param name="DatasetId">The study's dataset (owned by the coordinator).</param>
/// <param name="Seed">Base64 of the common reference seed.</param>
/// <param name="Threshold">Parties needed to release.</param>
/// <param name="Participants">Participants in party order.</param>
/// <param name="KeySetId">The collective key set (held in the coordinator's name), null until the ceremony is complete.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record StudyRecord(
    string Id,
    string TenantId,
    string Name,
    string DatasetId,
    string Seed,
    int Threshold,
    IReadOnlyList<StudyParticipantRecord> Participants,
    string? KeySetId,
    DateTimeOffset CreatedAt)
{
    /// <summary>The tenant's participation, or null.</summary>
    public StudyParticipantRecord? Participant(string tenantId) => Participants.FirstOrDefault(p => p.TenantId == tenantId);
}

/// <summary>One participant.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Party">Its party number.</param>
/// <param name="JoinedAt">When it joined, or null.</param>
public sealed record StudyParticipantRecord(string TenantId, int Party, DateTimeOffset? JoinedAt);

/// <summary>
/// One accepted share: at most one per study, round, Galois element and party (the store refuses a second). Its
/// blob is referenced by a <c>blob_refs</c> row owned by the share.
/// </summary>
/// <param name="Id">Share id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="Round">The round (a key-generation round name, or <c>release:{id}</c>).</param>
/// <param name="GaloisElement">The Galois element of an RTG share, 0 otherwise.</param>
/// <param name="Party">The party that sent it.</param>
/// <param name="TenantId">The participant's tenant.</param>
/// <param name="Sha256">Hex SHA-256 of the share.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="CreatedAt">When it was accepted.</param>
public sealed record StudyShareRecord(
    string Id, string StudyId, string Round, uint GaloisElement, int Party, string TenantId, string Sha256, long Bytes, DateTimeOffset CreatedAt)
{
    /// <summary>Name of the share's blob reference.</summary>
    public const string BlobName = "share";
}

/// <summary>A release of one statistics result to a querier.</summary>
/// <param name="Id">Release id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="RequestedBy">The participant's tenant that asked.</param>
/// <param name="QuerierTenantId">The tenant that may download the released ciphertext.</param>
/// <param name="JobId">The statistics job.</param>
/// <param name="Result">The result's name.</param>
/// <param name="Ciphertext">The result ciphertext (a blob reference owned by the release).</param>
/// <param name="QuerierKey">The querier's public key (owned by the release).</param>
/// <param name="Released">The released ciphertext, null until every share is in.</param>
/// <param name="CreatedAt">When it was requested.</param>
/// <param name="ReleasedAt">When it was released.</param>
public sealed record StudyReleaseRecord(
    string Id,
    string StudyId,
    string RequestedBy,
    string QuerierTenantId,
    string JobId,
    string Result,
    BlobReference Ciphertext,
    BlobReference QuerierKey,
    BlobReference? Released,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReleasedAt)
{
    /// <summary>The round name of this release's decryption shares.</summary>
    public string Round => "release:" + Id;
}
