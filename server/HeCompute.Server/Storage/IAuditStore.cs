using HeCompute.Contracts;

namespace HeCompute.Server.Storage;

/// <summary>The append-only audit log; one hash chain per tenant.</summary>
public interface IAuditStore
{
    /// <summary>Appends an entry, linking it to the last entry of its tenant's chain.</summary>
    Task<AuditEntry> AppendAsync(AuditDraft draft, CancellationToken cancellationToken);

    /// <summary>
    /// Entries in sequence order, of one tenant (or all when <paramref name="allTenants"/>), with
    /// <paramref name="afterSeq"/> &lt; seq ≤ <paramref name="untilSeq"/> (null: no upper bound), at most
    /// <paramref name="limit"/> of them (null: every one).
    /// </summary>
    IAsyncEnumerable<AuditEntry> ReadAsync(
        string? tenantId, bool allTenants, long afterSeq, long? untilSeq, int? limit, CancellationToken cancellationToken);

    /// <summary>The scope's head after <paramref name="afterSeq"/>, read as one consistent snapshot.</summary>
    Task<AuditHeadSnapshot> ReadHeadAsync(string? tenantId, bool allTenants, long afterSeq, CancellationToken cancellationToken);
}

/// <summary>Where a scope of the audit log ends.</summary>
/// <param name="Entries">Entries after the starting seq up to <paramref name="LastSeq"/>.</param>
/// <param name="LastSeq">The last seq in the scope (0 when empty).</param>
/// <param name="Heads">Last hash of each chain with entries in the range, by tenant id (empty string for no tenant).</param>
public sealed record AuditHeadSnapshot(long Entries, long LastSeq, IReadOnlyDictionary<string, string> Heads);
