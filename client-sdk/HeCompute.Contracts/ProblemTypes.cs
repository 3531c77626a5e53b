namespace HeCompute.Contracts;

/// <summary>The <c>type</c> URIs of the API's RFC 7807 problem details, so clients can branch on them.</summary>
public static class ProblemTypes
{
    private const string Base = "https://hecompute.dev/problems/";

    /// <summary>Encryption parameters below the 128-bit security floor.</summary>
    public const string InsecureParameters = Base + "insecure-parameters";

    /// <summary>Encryption parameters that are not valid CKKS parameters for another reason.</summary>
    public const string InvalidParameters = Base + "invalid-parameters";

    /// <summary>Bytes that are not a well-formed SEAL object of the expected kind (also truncated or corrupt compression).</summary>
    public const string MalformedSealObject = Base + "malformed-seal-object";

    /// <summary>A secret key was sent; the server never accepts one.</summary>
    public const string SecretKeyRefused = Base + "secret-key-refused";

    /// <summary>An object belongs to other parameters or another level than required.</summary>
    public const string ParmsMismatch = Base + "parms-mismatch";

    /// <summary>An operand's scale or shape does not fit the operation.</summary>
    public const string InvalidOperand = Base + "invalid-operand";

    /// <summary>An evaluation key the computation needs was not uploaded.</summary>
    public const string MissingKey = Base + "missing-key";

    /// <summary>A model the server cannot read (format, dimensions, kind, an ONNX graph it cannot import).</summary>
    public const string InvalidModel = Base + "invalid-model";

    /// <summary>422: a valid model no parameters fit (too deep for N = 32768 at 128-bit security, precision beyond 60-bit primes, outputs too large).</summary>
    public const string ModelNotPlannable = Base + "model-not-plannable";

    /// <summary>
    /// 422: an activation's declared interval is narrower than the inputs the planner propagates to it from the declared
    /// input bounds (the detail names the layer, both intervals); widen it, or register with <c>widen_intervals</c>.
    /// </summary>
    public const string ActivationIntervalTooNarrow = Base + "activation-interval-too-narrow";

    /// <summary>A synchronous computation did not finish within the server's time budget (use a job instead).</summary>
    public const string TimeBudgetExceeded = Base + "time-budget-exceeded";

    /// <summary>The server's compute queue is full; retry after the <c>Retry-After</c> header's seconds.</summary>
    public const string ComputeBusy = Base + "compute-busy";

    /// <summary>429: the API key (or, unauthenticated, the address) sent more requests than its rate limit; retry after <c>Retry-After</c> seconds.</summary>
    public const string RateLimited = Base + "rate-limited";

    /// <summary>429: the tenant already holds its share of the server's compute (queued and running); retry after <c>Retry-After</c> seconds.</summary>
    public const string TenantShareExceeded = Base + "tenant-share-exceeded";

    /// <summary>503: the server's storage cannot be written (read-only, permissions, I/O error).</summary>
    public const string StorageUnavailable = Base + "storage-unavailable";

    /// <summary>507: the server's storage is full.</summary>
    public const string StorageFull = Base + "storage-full";

    /// <summary>503: an object the server stored failed its integrity check (tampered with or damaged at rest); an operator must restore it.</summary>
    public const string StorageCorrupt = Base + "storage-corrupt";

    /// <summary>The request is malformed in a way not covered by a more specific type.</summary>
    public const string BadRequest = Base + "bad-request";

    /// <summary>Request validation failed (see <c>errors</c>).</summary>
    public const string Validation = Base + "validation";

    /// <summary>410: the key set has expired and is refused for new computations: upload fresh keys (<c>hecompute keys rotate</c>).</summary>
    public const string KeySetExpired = Base + "keyset-expired";

    /// <summary>409: this participant already sent its share for this study round; a second share of one round leaks its secret, so it is refused.</summary>
    public const string ShareResent = Base + "share-resent";

    /// <summary>422: the share is not for this study, round, party, Galois element or release (or is of another kind).</summary>
    public const string ShareMismatch = Base + "share-mismatch";

    /// <summary>No or unknown credentials.</summary>
    public const string Unauthorized = Base + "unauthorized";

    /// <summary>The credentials lack the role the endpoint needs.</summary>
    public const string Forbidden = Base + "forbidden";

    /// <summary>No such object for this tenant.</summary>
    public const string NotFound = Base + "not-found";

    /// <summary>The object is in a state that does not allow the operation.</summary>
    public const string Conflict = Base + "conflict";

    /// <summary>The body, or one part of it, is larger than allowed.</summary>
    public const string PayloadTooLarge = Base + "payload-too-large";

    /// <summary>The request target (path and query) is longer than the server reads.</summary>
    public const string UriTooLong = Base + "uri-too-long";

    /// <summary>The body's media type is not one the endpoint reads.</summary>
    public const string UnsupportedMediaType = Base + "unsupported-media-type";

    /// <summary>An unexpected server error (no details are disclosed).</summary>
    public const string InternalError = Base + "internal-error";
}
