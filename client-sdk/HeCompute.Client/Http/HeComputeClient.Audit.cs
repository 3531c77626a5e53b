using System.Text;
using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>The audit log (roles <c>auditor</c> and <c>admin</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>The page size <see cref="ExportCompleteAuditAsync"/> uses unless told otherwise.</summary>
    public const int DefaultAuditPageSize = 10_000;

    /// <summary>
    /// Exports audit entries as the server sends them (JSON lines, <c>GET /v1/audit</c>), byte for byte, so the export
    /// can be verified offline with <see cref="AuditChain.VerifyJsonLines"/>. Without <paramref name="limit"/> the
    /// server sends every entry of the scope; with it, one page (see <see cref="ExportCompleteAuditAsync"/>).
    /// </summary>
    public async Task<string> ExportAuditAsync(
        long? afterSeq = null, int? limit = null, string? tenantId = null, long? untilSeq = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (afterSeq is { } after)
        {
            query.Add("after_seq=" + Invariant(after));
        }

        if (untilSeq is { } until)
        {
            query.Add("until_seq=" + Invariant(until));
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

    /// <summary>The server's signed head of a scope (<c>GET /v1/audit/head</c>): where a complete export ends.</summary>
    public Task<AuditHeadResponse> GetAuditHeadAsync(string? tenantId = null, long? afterSeq = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (afterSeq is { } after)
        {
            query.Add("after_seq=" + Invariant(after));
        }

        if (tenantId is not null)
        {
            query.Add("tenant_id=" + Escape(tenantId));
        }

        return GetJsonAsync<AuditHeadResponse>("v1/audit/head" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), cancellationToken);
    }

    /// <summary>
    /// Exports a whole scope and checks it: takes the signed head first, fetches every page up to the head's last seq
    /// (<paramref name="pageSize"/> entries each, paging on the last seq received), then verifies the chains, the head's
    /// signature (and <paramref name="pinnedFingerprint"/> when given) and that the export ends exactly at the head. A
    /// page the server or a proxy cut short, a missing page or a cut tail all make the result invalid.
    /// </summary>
    public async Task<AuditExport> ExportCompleteAuditAsync(
        string? tenantId = null,
        long? afterSeq = null,
        int pageSize = DefaultAuditPageSize,
        string? pinnedFingerprint = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var head = await GetAuditHeadAsync(tenantId, afterSeq, cancellationToken).ConfigureAwait(false);
        var lines = new StringBuilder();
        var entries = new List<AuditEntry>();
        var after = afterSeq ?? 0;
        while (after < head.LastSeq)
        {
            var page = await ExportAuditAsync(after, pageSize, tenantId, head.LastSeq, cancellationToken).ConfigureAwait(false);
            var received = entries.Count;
            using (var reader = new StringReader(page))
            {
                entries.AddRange(AuditChain.ReadJsonLines(reader));
            }

            lines.Append(page);
            // A short page is the server saying "that was all"; the head decides whether it really was.
            if (entries.Count - received < pageSize)
            {
                break;
            }

            after = entries[^1].Seq;
        }

        return new AuditExport(lines.ToString(), entries, AuditHeads.Verify(entries, head, pinnedFingerprint));
    }

    /// <summary>Asks the server to recompute the hash chains (<c>GET /v1/audit/verify</c>).</summary>
    public Task<AuditVerificationResponse> VerifyAuditAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<AuditVerificationResponse>("v1/audit/verify" + (tenantId is null ? "" : "?tenant_id=" + Escape(tenantId)), cancellationToken);
}
