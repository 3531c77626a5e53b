using HeCompute.Contracts;
using HeCompute.Server.Compute;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Errors;

/// <summary>
/// The one place that turns refusals into RFC 7807 problem details: each <see cref="DomainErrorKind"/> has its status
/// code and problem type here, and nowhere else.
/// </summary>
public static class ProblemMapper
{
    /// <summary>The status code and problem type URI of a kind.</summary>
    public static (int Status, string Type) Of(DomainErrorKind kind) => kind switch
    {
        DomainErrorKind.Malformed => (StatusCodes.Status400BadRequest, ProblemTypes.BadRequest),
        DomainErrorKind.Invalid => (StatusCodes.Status400BadRequest, ProblemTypes.Validation),
        DomainErrorKind.NotFound => (StatusCodes.Status404NotFound, ProblemTypes.NotFound),
        DomainErrorKind.Conflict => (StatusCodes.Status409Conflict, ProblemTypes.Conflict),
        DomainErrorKind.PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge),
        DomainErrorKind.UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType),
        DomainErrorKind.InvalidModel => (StatusCodes.Status422UnprocessableEntity, ProblemTypes.InvalidModel),
        DomainErrorKind.ModelNotPlannable => (StatusCodes.Status422UnprocessableEntity, ProblemTypes.ModelNotPlannable),
        DomainErrorKind.ActivationIntervalTooNarrow => (StatusCodes.Status422UnprocessableEntity, ProblemTypes.ActivationIntervalTooNarrow),
        DomainErrorKind.TimeBudgetExceeded => (StatusCodes.Status503ServiceUnavailable, ProblemTypes.TimeBudgetExceeded),
        DomainErrorKind.ComputeBusy => (StatusCodes.Status503ServiceUnavailable, ProblemTypes.ComputeBusy),
        DomainErrorKind.RateLimited => (StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited),
        DomainErrorKind.TenantShareExceeded => (StatusCodes.Status429TooManyRequests, ProblemTypes.TenantShareExceeded),
        DomainErrorKind.InsecureParameters => (StatusCodes.Status400BadRequest, ProblemTypes.InsecureParameters),
        DomainErrorKind.InvalidParameters => (StatusCodes.Status400BadRequest, ProblemTypes.InvalidParameters),
        DomainErrorKind.MalformedSealObject => (StatusCodes.Status400BadRequest, ProblemTypes.MalformedSealObject),
        DomainErrorKind.SecretKeyRefused => (StatusCodes.Status400BadRequest, ProblemTypes.SecretKeyRefused),
        DomainErrorKind.ParmsMismatch => (StatusCodes.Status400BadRequest, ProblemTypes.ParmsMismatch),
        DomainErrorKind.InvalidOperand => (StatusCodes.Status400BadRequest, ProblemTypes.InvalidOperand),
        DomainErrorKind.MissingKey => (StatusCodes.Status400BadRequest, ProblemTypes.MissingKey),
        DomainErrorKind.StorageUnavailable => (StatusCodes.Status503ServiceUnavailable, ProblemTypes.StorageUnavailable),
        DomainErrorKind.StorageFull => (StatusCodes.Status507InsufficientStorage, ProblemTypes.StorageFull),
        DomainErrorKind.KeySetExpired => (StatusCodes.Status410Gone, ProblemTypes.KeySetExpired),
        DomainErrorKind.StorageCorrupt => (StatusCodes.Status503ServiceUnavailable, ProblemTypes.StorageCorrupt),
        DomainErrorKind.ShareResent => (StatusCodes.Status409Conflict, ProblemTypes.ShareResent),
        DomainErrorKind.ShareMismatch => (StatusCodes.Status422UnprocessableEntity, ProblemTypes.ShareMismatch),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A domain error kind without a problem type."),
    };

    /// <summary>The problem details of a domain error.</summary>
    public static ProblemDetails ToProblemDetails(DomainException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (status, type) = Of(error.Kind);
        return new ProblemDetails { Status = status, Type = type, Title = error.Title, Detail = error.Detail };
    }

    /// <summary>The problem details of an exception the API answers as a client error, or null for an internal error.</summary>
    public static ProblemDetails? TryMap(Exception exception) => exception switch
    {
        DomainException domain => ToProblemDetails(domain),
        Lattice.SealException seal => ToProblemDetails(EngineErrors.From(seal)),
        ComputeQueueFullException busy => ToProblemDetails(DomainErrors.ComputeBusy(busy.Message, busy)),
        ComputeTenantShareExceededException share => ToProblemDetails(DomainErrors.TenantShareExceeded(share.Message, share)),
        ComputeDeadlineExceededException late => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.TimeBudgetExceeded,
            Title = "The computation exceeded the time budget",
            Detail = late.Message,
        },
        PayloadTooLargeException tooLarge => ToProblemDetails(DomainErrors.PayloadTooLarge(tooLarge.Message)),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            ToProblemDetails(DomainErrors.PayloadTooLarge("The request body is larger than this endpoint allows.")),
        BadHttpRequestException bad => new ProblemDetails
        {
            Status = bad.StatusCode,
            Type = ProblemDetailsDefaults.TypeFor(bad.StatusCode) ?? ProblemTypes.BadRequest,
            Title = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type" : "Bad request",
            Detail = bad.Message,
        },
        _ => StorageFaults.Classify(exception) is { } storage ? ToProblemDetails(storage) : null,
    };

    /// <summary>The problem details of an unexpected error: nothing about it is disclosed.</summary>
    public static ProblemDetails Internal() => new()
    {
        Status = StatusCodes.Status500InternalServerError,
        Type = ProblemTypes.InternalError,
        Title = "An unexpected error occurred",
        Detail = "The server could not complete the request. The error was logged.",
    };

    /// <summary>A domain error as a typed endpoint result.</summary>
    public static ProblemHttpResult ToResult(DomainException error) => TypedResults.Problem(ToProblemDetails(error));
}
