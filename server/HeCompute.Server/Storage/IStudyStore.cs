namespace HeCompute.Server.Storage;

/// <summary>Studies, their participants, shares, aggregates and releases.</summary>
public interface IStudyStore
{
    /// <summary>Adds a study with its participants (the coordinator joined).</summary>
    Task CreateAsync(StudyRecord study, CancellationToken cancellationToken);

    /// <summary>The study, if the tenant participates in it; null otherwise.</summary>
    Task<StudyRecord?> GetAsync(string tenantId, string studyId, CancellationToken cancellationToken);

    /// <summary>The studies the tenant participates in, newest first.</summary>
    Task<IReadOnlyList<StudyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Marks the participant joined (idempotent); false if it does not participate.</summary>
    Task<bool> JoinAsync(string tenantId, string studyId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a share and references its blob (already committed), unless the party already has one for this round and
    /// element: then false and nothing is written (one statement decides, so concurrent re-sends cannot both land).
    /// </summary>
    Task<bool> AddShareAsync(StudyShareRecord share, CancellationToken cancellationToken);

    /// <summary>The study's shares of one round (every element), in party order.</summary>
    Task<IReadOnlyList<StudyShareRecord>> ListSharesAsync(string studyId, string round, CancellationToken cancellationToken);

    /// <summary>References an aggregate or collective key of the study (by its name; replaces one of the same name).</summary>
    Task PutBlobAsync(string studyId, string tenantId, BlobReference blob, CancellationToken cancellationToken);

    /// <summary>The study's aggregates and collective keys.</summary>
    Task<IReadOnlyList<BlobReference>> ListBlobsAsync(string studyId, CancellationToken cancellationToken);

    /// <summary>Records the collective key set; false if the study already has one.</summary>
    Task<bool> SetKeySetAsync(string studyId, string keySetId, CancellationToken cancellationToken);

    /// <summary>Adds a release and references its ciphertext and querier key (already committed).</summary>
    Task CreateReleaseAsync(StudyReleaseRecord release, CancellationToken cancellationToken);

    /// <summary>The release of this study, or null.</summary>
    Task<StudyReleaseRecord?> GetReleaseAsync(string studyId, string releaseId, CancellationToken cancellationToken);

    /// <summary>The releases of the study, oldest first.</summary>
    Task<IReadOnlyList<StudyReleaseRecord>> ListReleasesAsync(string studyId, CancellationToken cancellationToken);

    /// <summary>The release (with its study id) if the tenant is its querier; null otherwise.</summary>
    Task<StudyReleaseRecord?> GetReleaseForQuerierAsync(string querierTenantId, string releaseId, CancellationToken cancellationToken);

    /// <summary>Records the released ciphertext (already committed); false if the release was already complete.</summary>
    Task<bool> CompleteReleaseAsync(string studyId, string releaseId, BlobReference released, DateTimeOffset at, CancellationToken cancellationToken);
}
