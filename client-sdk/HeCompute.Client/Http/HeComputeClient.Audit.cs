using System.Text;
using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>The audit log (roles <c>auditor</c> and <c>admin</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>
    /// Exports audit entries as the server sends them (JSON lines, <c>GET /v1/audit</c>), byte for byte, so the export
    /// can be verified offline with <see cref="AuditChain.VerifyJsonLines"/>.
    /// </summary>
    public async Task<string> ExportAuditAsync(long? afterSeq = null, int? limit = null, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (afterSeq is { } after)
        {
            query.Add("after_seq=" + Invariant(after));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + Invariant(l));
        }

        if (tenantId is not null)
        {
            query.Add("tenant_id=" + Escape(tenantId));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/audit" + (query.Count == 0 ? "" : "?" + string.Join('&', query)));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(await ReadBytesAsync(response, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Asks the server to recompute the hash chains (<c>GET /v1/audit/verify</c>).</summary>
    public Task<AuditVerificationResponse> VerifyAuditAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<AuditVerificationResponse>("v1/audit/verify" + (tenantId is null ? "" : "?tenant_id=" + Escape(tenantId)), cancellationToken);
}
