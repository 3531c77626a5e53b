namespace HeCompute.Contracts;

/// <summary>
/// One audit log entry, as exported (one JSON object per line). Entries form one hash chain per tenant
/// (<see cref="AuditChain"/>): <see cref="Hash"/> is SHA-256 over <see cref="PrevHash"/> and the entry's canonical JSON.
/// </summary>
/// <param name="Seq">Global, increasing sequence number.</param>
/// <param name="Timestamp">When the call finished (UTC).</param>
/// <param name="TenantId">The caller's tenant; null when the caller was not authenticated.</param>
/// <param name="KeyId">The API key used; null when not authenticated.</param>
/// <param name="Action">What was done, e.g. <c>keysets.create</c>.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path (no query string).</param>
/// <param name="ObjectIds">Ids of the objects the call touched.</param>
/// <param name="BodiesIn">Hex SHA-256 of each ciphertext or key body received.</param>
/// <param name="BodiesOut">Hex SHA-256 of each ciphertext or key body sent.</param>
/// <param name="ParmsId">Hex parms_id of the parameters involved, if any.</param>
/// <param name="DurationMicroseconds">How long the call took.</param>
/// <param name="Status">HTTP status code of the response.</param>
/// <param name="Outcome"><c>success</c>, <c>client_error</c> or <c>server_error</c>.</param>
/// <param name="PrevHash">Hash of the previous entry of the same tenant's chain (64 zeros for the first).</param>
/// <param name="Hash">This entry's hash.</param>
public sealed record AuditEntry(
    long Seq,
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
    string Outcome,
    string PrevHash,
    string Hash);

/// <summary>Result of recomputing audit hash chains.</summary>
/// <param name="Valid">Whether every entry's hash and link check out.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="Chains">Distinct chains (tenants) seen.</param>
/// <param name="FirstInvalidSeq">Sequence number of the first entry that does not verify.</param>
/// <param name="Reason">Why it does not verify.</param>
/// <param name="Heads">Last hash of each chain, by tenant id (empty string for unauthenticated calls): record these to detect truncation later.</param>
public sealed record AuditVerificationResponse(
    bool Valid, long Entries, int Chains, long? FirstInvalidSeq, string? Reason, IReadOnlyDictionary<string, string> Heads);
