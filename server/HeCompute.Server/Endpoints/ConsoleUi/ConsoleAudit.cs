using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Endpoints.ConsoleUi;

/// <summary>
/// Appends the audit entry of a console action that changes or discloses something (delete, cancel, download), in the
/// same form the audit middleware writes for an API call: the user's id stands where an API key id would.
/// </summary>
internal static class ConsoleAudit
{
    public static Task AppendAsync(HttpContext context, string action, AuditRecord record, int status)
    {
        var metadata = context.RequestServices.GetRequiredService<IMetadataStore>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        return metadata.Audit.AppendAsync(
            new AuditDraft(
                time.GetUtcNow(), context.User.FindTenantId(), context.User.GetKeyId(), action, context.Request.Method, context.Request.Path.Value ?? "/",
                [.. record.ObjectIds], [.. record.BodiesIn], [.. record.BodiesOut], record.ParmsId, 0, status,
                status >= 500 ? "server_error" : status >= 400 ? "client_error" : "success"),
            CancellationToken.None);
    }
}
