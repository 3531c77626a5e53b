namespace HeCompute.Server.Errors;

/// <summary>
/// The kinds of refusal the application services raise. Each is one problem type of the API; the HTTP edge
/// (<see cref="ProblemMapper"/>) gives each its status code, so services never speak HTTP.
/// </summary>
public enum DomainErrorKind
{
    /// <summary>The input is malformed in a way no more specific kind covers.</summary>
    Malformed,

    /// <summary>A field or part of the input fails validation.</summary>
    Invalid,

    /// <summary>No such object for this tenant (the same answer whether it exists elsewhere or not).</summary>
    NotFound,

    /// <summary>The object's state does not allow the operation.</summary>
    Conflict,

    /// <summary>The input, or one part of it, is larger than allowed.</summary>
    PayloadTooLarge,

    /// <summary>The input comes in a format the operation does not read.</summary>
    UnsupportedMediaType,

    /// <summary>A model the server cannot read (format, dimensions, kind).</summary>
    InvalidModel,

    /// <summary>A valid model no encryption parameters fit (too deep, precision beyond the primes, outputs too large).</summary>
    ModelNotPlannable,

    /// <summary>An activation's declared interval is narrower than the inputs propagated to it from the declared input bounds.</summary>
    ActivationIntervalTooNarrow,

    /// <summary>A synchronous computation did not finish within the time budget.</summary>
    TimeBudgetExceeded,

    /// <summary>The compute queue is full: the server refuses more work for now (retry later).</summary>
    ComputeBusy,

    /// <summary>The caller sent more requests than its rate limit allows (retry later).</summary>
    RateLimited,

    /// <summary>The caller's tenant already holds its share of the compute scheduler (retry later).</summary>
    TenantShareExceeded,

    /// <summary>Encryption parameters below the 128-bit security level.</summary>
    InsecureParameters,

    /// <summary>Encryption parameters that are not valid CKKS parameters for another reason.</summary>
    InvalidParameters,

    /// <summary>Bytes that are not a well-formed SEAL object of the expected kind.</summary>
    MalformedSealObject,

    /// <summary>A secret key was sent.</summary>
    SecretKeyRefused,

    /// <summary>An object belongs to other encryption parameters or another level than required.</summary>
    ParmsMismatch,

    /// <summary>An operand's scale or shape does not fit the operation.</summary>
    InvalidOperand,

    /// <summary>An evaluation key the computation needs is missing.</summary>
    MissingKey,

    /// <summary>The server's storage cannot be written now (read-only, permissions, I/O error): retry once an operator fixed it.</summary>
    StorageUnavailable,

    /// <summary>The server's storage has no room left.</summary>
    StorageFull,

    /// <summary>The key set has expired: new computations refuse it.</summary>
    KeySetExpired,

    /// <summary>A stored object failed its integrity check (tampered with or damaged at rest): retrying does not help until an operator restores it.</summary>
    StorageCorrupt,

    /// <summary>A participant sent a second share for one study round (409): re-sent shares leak the key.</summary>
    ShareResent,

    /// <summary>A share for another study, round, party, Galois element or release (422).</summary>
    ShareMismatch,
}

/// <summary>A refusal raised by an application service: a <see cref="DomainErrorKind"/>, a stable title and the detail of this occurrence.</summary>
/// <remarks>Serializable by Orleans with its kind and title, so a refusal raised on another cluster node reaches this node's HTTP edge unchanged.</remarks>
[GenerateSerializer]
[Alias("hecompute.domain-exception")]
public class DomainException : Exception
{
    /// <summary>Creates the error.</summary>
    public DomainException(DomainErrorKind kind, string title, string detail, Exception? innerException = null)
        : base(detail, innerException)
    {
        Kind = kind;
        Title = title;
    }

    /// <summary>Creates an error of kind <see cref="DomainErrorKind.Malformed"/>.</summary>
    public DomainException()
        : this(DomainErrorKind.Malformed, "Bad request", "The request is malformed.")
    {
    }

    /// <summary>Creates an error of kind <see cref="DomainErrorKind.Malformed"/>.</summary>
    public DomainException(string message)
        : this(DomainErrorKind.Malformed, "Bad request", message)
    {
    }

    /// <summary>Creates an error of kind <see cref="DomainErrorKind.Malformed"/>.</summary>
    public DomainException(string message, Exception innerException)
        : this(DomainErrorKind.Malformed, "Bad request", message, innerException)
    {
    }

    /// <summary>What kind of refusal this is.</summary>
    [Id(0)]
    public DomainErrorKind Kind { get; }

    /// <summary>Short, stable summary.</summary>
    [Id(1)]
    public string Title { get; }

    /// <summary>Explanation specific to this occurrence.</summary>
    public string Detail => Message;
}

/// <summary>No object of this kind and id for the tenant.</summary>
/// <param name="what">The object, e.g. "key set".</param>
[GenerateSerializer]
[Alias("hecompute.not-found-exception")]
public sealed class NotFoundException(string what) : DomainException(DomainErrorKind.NotFound, "Not found", $"No {what} with this id.")
{
    /// <summary>Creates the error for an object.</summary>
    public NotFoundException()
        : this("object")
    {
    }
}

/// <summary>The factories of the remaining kinds, so every service words the same kind the same way.</summary>
public static class DomainErrors
{
    /// <summary>An expired key set named for a new computation.</summary>
    public static DomainException KeySetExpired(string detail) => new(DomainErrorKind.KeySetExpired, "The key set has expired", detail);

    /// <summary>A field or part that fails validation.</summary>
    public static DomainException Invalid(string detail) => new(DomainErrorKind.Invalid, "The request is not valid", detail);

    /// <summary>A state that does not allow the operation.</summary>
    /// <summary>A second share from one participant for one round.</summary>
    public static DomainException ShareResent(string detail) => new(DomainErrorKind.ShareResent, "The share was already sent", detail);

    /// <summary>A share that belongs to another study, round, party, Galois element or release.</summary>
    public static DomainException ShareMismatch(string detail, Exception? inner = null) => new(DomainErrorKind.ShareMismatch, "The share is not for this round", detail, inner);

    public static DomainException Conflict(string detail) => new(DomainErrorKind.Conflict, "Conflict", detail);

    /// <summary>A malformed upload (multipart structure, truncated parts, unknown parts).</summary>
    public static DomainException MalformedUpload(string detail, Exception? inner = null) => new(DomainErrorKind.Malformed, "Malformed upload", detail, inner);

    /// <summary>An input larger than allowed.</summary>
    public static DomainException PayloadTooLarge(string detail) => new(DomainErrorKind.PayloadTooLarge, "Payload too large", detail);

    /// <summary>An input in a format the operation does not read.</summary>
    public static DomainException UnsupportedMediaType(string detail) => new(DomainErrorKind.UnsupportedMediaType, "Unsupported media type", detail);

    /// <summary>A model the server cannot use.</summary>
    public static DomainException InvalidModel(string detail, Exception? inner = null) => new(DomainErrorKind.InvalidModel, "The model cannot be used", detail, inner);

    /// <summary>A valid model no parameters fit.</summary>
    public static DomainException ModelNotPlannable(string detail, Exception? inner = null) => new(DomainErrorKind.ModelNotPlannable, "No encryption parameters fit the model", detail, inner);

    /// <summary>An activation declared on an interval its inputs leave.</summary>
    public static DomainException ActivationIntervalTooNarrow(string detail, Exception? inner = null) =>
        new(DomainErrorKind.ActivationIntervalTooNarrow, "An activation interval is narrower than its inputs", detail, inner);

    /// <summary>A computation that exceeded its time budget.</summary>
    public static DomainException TimeBudgetExceeded(string detail) => new(DomainErrorKind.TimeBudgetExceeded, "The prediction exceeded the time budget", detail);

    /// <summary>Work refused because the compute queue is full.</summary>
    public static DomainException ComputeBusy(string detail, Exception? inner = null) => new(DomainErrorKind.ComputeBusy, "The server is busy", detail, inner);

    /// <summary>A request over the caller's rate limit.</summary>
    public static DomainException RateLimited(string detail) => new(DomainErrorKind.RateLimited, "Too many requests", detail);

    /// <summary>Work refused because the tenant holds its share of the compute scheduler.</summary>
    public static DomainException TenantShareExceeded(string detail, Exception? inner = null) =>
        new(DomainErrorKind.TenantShareExceeded, "The tenant's share of the server is in use", detail, inner);

    /// <summary>A secret key where public material was expected.</summary>
    public static DomainException SecretKeyRefused(string detail) => new(DomainErrorKind.SecretKeyRefused, "A secret key was uploaded", detail);

    /// <summary>An object of other parameters or another level.</summary>
    public static DomainException ParmsMismatch(string title, string detail, Exception? inner = null) => new(DomainErrorKind.ParmsMismatch, title, detail, inner);

    /// <summary>An operand whose scale or shape does not fit.</summary>
    public static DomainException InvalidOperand(string title, string detail, Exception? inner = null) => new(DomainErrorKind.InvalidOperand, title, detail, inner);

    /// <summary>A missing evaluation key.</summary>
    public static DomainException MissingKey(string detail, Exception? inner = null) => new(DomainErrorKind.MissingKey, "A required evaluation key is missing", detail, inner);

    /// <summary>Storage that cannot be written (<paramref name="full"/>: because it has no room left).</summary>
    public static DomainException Storage(bool full, string detail, Exception? inner = null) => full
        ? new(DomainErrorKind.StorageFull, "The server's storage is full", detail, inner)
        : new(DomainErrorKind.StorageUnavailable, "The server's storage is unavailable", detail, inner);

    /// <summary>A stored object whose encryption envelope or content hash does not verify.</summary>
    public static DomainException StorageCorrupt(string detail, Exception? inner = null) =>
        new(DomainErrorKind.StorageCorrupt, "A stored object failed its integrity check", detail, inner);

    /// <summary>Parameters that are not valid (or, when <paramref name="insecure"/>, below the security level).</summary>
    public static DomainException Parameters(bool insecure, string detail, Exception? inner = null) => insecure
        ? new(DomainErrorKind.InsecureParameters, "Encryption parameters are below the 128-bit security level", detail, inner)
        : new(DomainErrorKind.InvalidParameters, "Encryption parameters are not valid", detail, inner);
}
