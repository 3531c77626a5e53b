using HeCompute.Contracts;

namespace HeCompute.Server.Storage;

/// <summary>The append-only audit log; one hash chain per tenant.</summary>
public interface IAuditStore
{
    /// <summary>Appends an entry, linking it to the last entry of its tenant's chain.</summary>
    Task<AuditEntry> AppendAsync(AuditDraft draft, CancellationToken cancellationToken);

    /// <summary>Entries in sequence order, of one tenant (or all when null), after <paramref name="afterSeq"/>.</summary>
    IAsyncEnumerable<AuditEntry> ReadAsync(string? tenantId, bool allTenants, long afterSeq, int limit, CancellationToken cancellationToken);
}
