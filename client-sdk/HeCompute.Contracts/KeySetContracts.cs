namespace HeCompute.Contracts;

/// <summary>
/// Names of the multipart/form-data parts of <c>POST /v1/keysets</c>. Each file part holds one object in SEAL's
/// serialization format (any compression, seeded or full form).
/// </summary>
public static class KeySetParts
{
    /// <summary>Required: the <c>EncryptionParameters</c>.</summary>
    public const string Parms = "parms";

    /// <summary>Optional: the <c>PublicKey</c>.</summary>
    public const string PublicKey = "public_key";

    /// <summary>Optional: the <c>RelinKeys</c>.</summary>
    public const string RelinKeys = "relin_keys";

    /// <summary>Optional: the <c>GaloisKeys</c>.</summary>
    public const string GaloisKeys = "galois_keys";

    /// <summary>Optional text part: a display name.</summary>
    public const string Name = "name";

    /// <summary>
    /// Optional text part: when the key set expires (ISO 8601, in the future, at most <see cref="MaxLifetimeDays"/> days
    /// away). Without it the server's configured default applies, if any. An expired key set is refused for new
    /// computations (410 <see cref="ProblemTypes.KeySetExpired"/>).
    /// </summary>
    public const string ExpiresAt = "expires_at";

    /// <summary>The longest lifetime a key set may be given (two years).</summary>
    public const int MaxLifetimeDays = 730;

    /// <summary>The binary parts, in the order they are validated.</summary>
    public static IReadOnlyList<string> Binary { get; } = [Parms, PublicKey, RelinKeys, GaloisKeys];
}

/// <summary>One stored part of a key set.</summary>
/// <param name="Part">One of <see cref="KeySetParts.Binary"/>.</param>
/// <param name="Sha256">Hex SHA-256 of the bytes as uploaded.</param>
/// <param name="Bytes">Size as uploaded.</param>
public sealed record KeySetPartResponse(string Part, string Sha256, long Bytes);

/// <summary>A key set's metadata.</summary>
/// <param name="Id">Key set id.</param>
/// <param name="Name">Display name, if given.</param>
/// <param name="ParmsId">Hex parms_id of the parameters (the key level).</param>
/// <param name="PolyModulusDegree">N.</param>
/// <param name="CoeffModulusBits">Bit sizes of the coefficient primes, special prime last.</param>
/// <param name="Parts">The stored parts.</param>
/// <param name="HasPublicKey">Whether a public key was uploaded.</param>
/// <param name="HasRelinKeys">Whether relinearization keys were uploaded.</param>
/// <param name="GaloisElements">Galois elements the uploaded Galois keys cover.</param>
/// <param name="TotalBytes">Sum of the parts' sizes.</param>
/// <param name="CreatedAt">When it was uploaded.</param>
/// <param name="ExpiresAt">When it expires, if it does.</param>
/// <param name="Expired">Whether it had expired when this answer was made: new computations refuse it.</param>
public sealed record KeySetResponse(
    string Id,
    string? Name,
    string ParmsId,
    ulong PolyModulusDegree,
    IReadOnlyList<int> CoeffModulusBits,
    IReadOnlyList<KeySetPartResponse> Parts,
    bool HasPublicKey,
    bool HasRelinKeys,
    IReadOnlyList<uint> GaloisElements,
    long TotalBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt = null,
    bool Expired = false);

/// <summary>A list of key sets.</summary>
public sealed record KeySetListResponse(IReadOnlyList<KeySetResponse> Items);
