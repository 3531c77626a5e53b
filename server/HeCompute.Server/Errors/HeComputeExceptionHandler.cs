using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Errors;

/// <summary>
/// Turns exceptions into problem details: <see cref="ProblemException"/> as given, engine errors as 400s, oversized
/// bodies as 413, malformed requests as 400, anything else as a 500 that discloses nothing.
/// </summary>
public sealed partial class HeComputeExceptionHandler(IProblemDetailsService problems, ILogger<HeComputeExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc/>
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = 499;
            return true;
        }

        var problem = exception switch
        {
            ProblemException p => p,
            SealException seal => SealProblems.From(seal),
            PayloadTooLargeException tooLarge => new ProblemException(
                StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Payload too large", tooLarge.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemException(
                StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Payload too large", "The request body is larger than this endpoint allows."),
            BadHttpRequestException bad => new ProblemException(
                bad.StatusCode, ProblemDetailsDefaults.TypeFor(bad.StatusCode) ?? ProblemTypes.BadRequest,
                bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type" : "Bad request", bad.Message),
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemException(
                StatusCodes.Status500InternalServerError, ProblemTypes.InternalError, "An unexpected error occurred",
                "The server could not complete the request. The error was logged.");
        }
        else
        {
            LogClientError(logger, problem.Status, problem.Type, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = problem.Status, Type = problem.Type, Title = problem.Title, Detail = problem.Detail },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request refused with {Status} {ProblemType} on {Method} {Path}")]
    private static partial void LogClientError(ILogger logger, int status, string problemType, string method, string path);
}
