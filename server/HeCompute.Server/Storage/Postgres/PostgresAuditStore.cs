using System.Data;
using System.Runtime.CompilerServices;
using HeCompute.Contracts;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// The audit log in PostgreSQL: insert-only (triggers refuse UPDATE, DELETE and TRUNCATE), one hash chain per tenant,
/// with any number of nodes appending. An append locks its chain's head row (so two nodes cannot both link to the same
/// previous entry) and takes the next seq from the counter row in the same transaction (so seqs commit in order).
/// </summary>
public sealed class PostgresAuditStore(PostgresDatabase database) : IAuditStore
{
    /// <summary>The head-row key of the entries with no tenant (tenant ids are never empty).</summary>
    private const string NoTenant = "";

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAsync(AuditDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var chain = draft.TenantId ?? NoTenant;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await using (var ensure = connection.Command(
            "INSERT INTO audit_heads (chain, seq, hash) VALUES (@chain, 0, @genesis) ON CONFLICT (chain) DO NOTHING;", transaction)
            .With("chain", chain).With("genesis", AuditChain.GenesisHash))
        {
            await ensure.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        string prev;
        await using (var head = connection.Command("SELECT hash FROM audit_heads WHERE chain = @chain FOR UPDATE;", transaction).With("chain", chain))
        {
            prev = (string)(await head.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        long seq;
        await using (var next = connection.Command("UPDATE audit_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq;", transaction))
        {
            seq = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        // Round the timestamp to what the column keeps, so the stored entry re-verifies exactly.
        var timestamp = PostgresDatabase.Round(draft.Timestamp);
        var entry = new AuditEntry(
            seq, timestamp, draft.TenantId, draft.KeyId, draft.Action, draft.Method, draft.Path,
            draft.ObjectIds, draft.BodiesIn, draft.BodiesOut, draft.ParmsId, draft.DurationMicroseconds, draft.Status, draft.Outcome,
            prev, string.Empty);
        entry = entry with { Hash = AuditChain.ComputeHash(prev, entry) };
        await using (var insert = connection.Command(
            """
            INSERT INTO audit_log (seq, timestamp, tenant_id, key_id, action, method, path, object_ids, bodies_in, bodies_out,
                parms_id, duration_us, status, outcome, prev_hash, hash)
            VALUES (@seq, @ts, @tenant::text, @key::text, @action, @method, @path, @objects, @in, @out, @parms::text, @duration, @status, @outcome, @prev, @hash);
            UPDATE audit_heads SET seq = @seq, hash = @hash WHERE chain = @chain;
            """, transaction))
        {
            insert.With("seq", seq).With("ts", timestamp).With("tenant", entry.TenantId).With("key", entry.KeyId)
                .With("action", entry.Action).With("method", entry.Method).With("path", entry.Path)
                .With("objects", entry.ObjectIds.ToArray()).With("in", entry.BodiesIn.ToArray()).With("out", entry.BodiesOut.ToArray())
                .With("parms", entry.ParmsId).With("duration", entry.DurationMicroseconds).With("status", entry.Status).With("outcome", entry.Outcome)
                .With("prev", entry.PrevHash).With("hash", entry.Hash).With("chain", chain);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEntry> ReadAsync(
        string? tenantId, bool allTenants, long afterSeq, long? untilSeq, int? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var scope = allTenants ? "" : "tenant_id IS NOT DISTINCT FROM @tenant::text AND ";
        // A null LIMIT is no limit.
        await using var command = connection.Command($"SELECT * FROM audit_log WHERE {scope}seq > @after AND seq <= @until ORDER BY seq LIMIT @limit::integer;")
            .With("after", afterSeq).With("until", untilSeq ?? long.MaxValue).With("limit", limit).With("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditEntry(
                reader.GetInt64("seq"),
                reader.GetTimestamp("timestamp"),
                reader.GetStringOrNull("tenant_id"),
                reader.GetStringOrNull("key_id"),
                reader.GetString("action"),
                reader.GetString("method"),
                reader.GetString("path"),
                reader.Get<string[]>("object_ids"),
                reader.Get<string[]>("bodies_in"),
                reader.Get<string[]>("bodies_out"),
                reader.GetStringOrNull("parms_id"),
                reader.GetInt64("duration_us"),
                reader.GetInt32("status"),
                reader.GetString("outcome"),
                reader.GetString("prev_hash"),
                reader.GetString("hash"));
        }
    }

    /// <inheritdoc/>
    public async Task<AuditHeadSnapshot> ReadHeadAsync(string? tenantId, bool allTenants, long afterSeq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot: the count, the last seq and the heads describe the same state even while other nodes append.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var scope = allTenants ? "" : "tenant_id IS NOT DISTINCT FROM @tenant::text AND ";
        long entries;
        long lastSeq;
        await using (var count = connection.Command($"SELECT COUNT(*), COALESCE(MAX(seq), 0)::bigint FROM audit_log WHERE {scope}seq > @after;", transaction)
            .With("after", afterSeq).With("tenant", tenantId))
        await using (var row = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await row.ReadAsync(cancellationToken).ConfigureAwait(false);
            entries = row.GetInt64(0);
            lastSeq = row.GetInt64(1);
        }

        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var last = connection.Command(
            $"SELECT DISTINCT ON (tenant_id) tenant_id, hash FROM audit_log WHERE {scope}seq > @after AND seq <= @until ORDER BY tenant_id, seq DESC;",
            transaction).With("after", afterSeq).With("until", lastSeq).With("tenant", tenantId))
        await using (var row = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                heads[row.IsDBNull(0) ? string.Empty : row.GetString(0)] = row.GetString(1);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditHeadSnapshot(entries, lastSeq, heads);
    }
}
