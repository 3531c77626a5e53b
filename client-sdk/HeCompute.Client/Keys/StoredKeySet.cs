using HeCompute.Contracts;

namespace HeCompute.Client.Keys;

/// <summary>
/// A key set in the local <see cref="KeyStore"/> (its <c>manifest.json</c>): the plan it follows, what it is for, and
/// the server's id once uploaded. Holds no key material.
/// </summary>
/// <param name="Id">Local id (also bound into the encrypted secret key file).</param>
/// <param name="Subject"><c>model</c> or <c>dataset</c>.</param>
/// <param name="SubjectId">The model's or dataset's id.</param>
/// <param name="ParmsId">Hex parms_id of the parameters.</param>
/// <param name="Plan">The plan the keys were generated for.</param>
/// <param name="CreatedAt">When the keys were generated.</param>
/// <param name="ServerKeySetId">The key set id the server gave the upload, null until uploaded.</param>
/// <param name="UploadBytes">Bytes of evaluation material (parameters, public, relinearization and Galois keys).</param>
public sealed record StoredKeySet(
    string Id,
    string Subject,
    string SubjectId,
    string ParmsId,
    PlanDocument Plan,
    DateTimeOffset CreatedAt,
    string? ServerKeySetId,
    long UploadBytes);
