using HeCompute.Contracts;

namespace HeCompute.Server.Storage;

/// <summary>A tenant: the unit of isolation.</summary>
public sealed record TenantRecord(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// An API key: only the SHA-256 of the secret is stored. A key past <paramref name="ExpiresAt"/> no longer authenticates.
/// After a rotation, <paramref name="PreviousSecretHash"/> (the replaced secret) also authenticates until
/// <paramref name="PreviousSecretExpiresAt"/>.
/// </summary>
public sealed record ApiKeyRecord(
    string Id,
    string TenantId,
    string Name,
    IReadOnlyList<string> Roles,
    byte[] SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? ExpiresAt = null,
    byte[]? PreviousSecretHash = null,
    DateTimeOffset? PreviousSecretExpiresAt = null);

/// <summary>A named reference from a stored object (key set, job, model, batch) to a content-addressed blob.</summary>
public sealed record BlobReference(string Name, string Sha256, long Bytes);

/// <summary>A key set's metadata.</summary>
public sealed record KeySetRecord(
    string Id,
    string TenantId,
    string? Name,
    string ParmsId,
    ulong PolyModulusDegree,
    IReadOnlyList<int> CoeffModulusBits,
    IReadOnlyList<uint> GaloisElements,
    bool HasPublicKey,
    bool HasRelinKeys,
    IReadOnlyList<BlobReference> Parts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt = null);

/// <summary>A durable job.</summary>
public sealed record JobRecord(
    string Id,
    string TenantId,
    string Kind,
    JobState State,
    double Progress,
    string? ProgressMessage,
    int Attempts,
    string? Error,
    string? Input,
    string? Checkpoint,
    string? Output,
    bool CancelRequested,
    IReadOnlyList<BlobReference> Results,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? ExpiresAt)
{
    /// <summary>Whether the job has reached a final state.</summary>
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}

/// <summary>What a cancellation request found.</summary>
public enum CancelOutcome
{
    /// <summary>No such job for the tenant.</summary>
    NotFound,

    /// <summary>The job was queued and is now cancelled.</summary>
    Cancelled,

    /// <summary>The job is running; its handler has been asked to stop.</summary>
    CancelRequested,

    /// <summary>The job had already finished.</summary>
    AlreadyFinished,
}

/// <summary>An audit entry before the store assigns its sequence number and hashes.</summary>
public sealed record AuditDraft(
    DateTimeOffset Timestamp,
    string? TenantId,
    string? KeyId,
    string Action,
    string Method,
    string Path,
    IReadOnlyList<string> ObjectIds,
    IReadOnlyList<string> BodiesIn,
    IReadOnlyList<string> BodiesOut,
    string? ParmsId,
    long DurationMicroseconds,
    int Status,
    string Outcome);

/// <summary>What erasing a tenant's data removed; <see cref="ReleasedBlobs"/> may now be unreferenced.</summary>
public sealed record TenantErasure(int KeySets, int Jobs, int Models, int Datasets, int Batches, IReadOnlyList<string> ReleasedBlobs);
