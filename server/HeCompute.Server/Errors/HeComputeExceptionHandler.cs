using System.Globalization;
using HeCompute.Contracts;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Server.Compute;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Errors;

/// <summary>
/// Turns exceptions into problem details through <see cref="ProblemMapper"/>: domain and engine errors, oversized
/// bodies and malformed requests as client errors, a full compute queue as 503 and a tenant over its compute share as 429, both with <c>Retry-After</c>, anything else as a 500 that discloses nothing.
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

        var problem = ProblemMapper.TryMap(exception);
        if (problem is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = ProblemMapper.Internal();
        }
        else
        {
            LogClientError(logger, problem.Status ?? 0, problem.Type ?? "", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var retryAfter = exception switch
        {
            ComputeQueueFullException full => full.RetryAfter,
            ComputeTenantShareExceededException share => share.RetryAfter,
            _ => (TimeSpan?)null,
        };
        if (retryAfter is { } wait)
        {
            httpContext.Response.Headers.RetryAfter = ((long)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = problem,
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request refused with {Status} {ProblemType} on {Method} {Path}")]
    private static partial void LogClientError(ILogger logger, int status, string problemType, string method, string path);
}
