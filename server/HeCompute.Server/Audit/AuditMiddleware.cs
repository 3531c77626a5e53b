using System.Diagnostics;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Audit;

/// <summary>
/// Appends one audit entry per API call (under <c>/v1</c>), after the response status is known: caller, action,
/// object ids, body hashes, parms_id, duration and outcome. Runs after routing (to name the action) and outside the
/// exception handler (to see the final status).
/// </summary>
public sealed partial class AuditMiddleware(RequestDelegate next, IMetadataStore metadata, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var record = new AuditRecord { Action = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName };
        context.Features.Set(record);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var status = context.Response.StatusCode;
            var draft = new AuditDraft(
                time.GetUtcNow(),
                context.User.FindTenantId(),
                context.User.GetKeyId(),
                record.Action ?? "unrouted",
                context.Request.Method,
                context.Request.Path.Value ?? "/",
                [.. record.ObjectIds],
                [.. record.BodiesIn],
                [.. record.BodiesOut],
                record.ParmsId,
                (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds,
                status,
                status >= 500 ? "server_error" : status >= 400 ? "client_error" : "success");
            try
            {
                await metadata.Audit.AppendAsync(draft, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogAppendFailed(logger, ex, draft.Action);
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not append the audit entry for {Action}")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, string action);
}
