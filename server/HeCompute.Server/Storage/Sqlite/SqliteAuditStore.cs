using System.Runtime.CompilerServices;
using System.Text.Json;
using HeCompute.Contracts;
using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>
/// The audit log in SQLite: insert-only (triggers refuse UPDATE and DELETE), one hash chain per tenant. Appends are
/// serialized in-process and run in an immediate transaction, so the chain has no forks.
/// </summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private readonly SemaphoreSlim _append = new(1, 1);

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAsync(AuditDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        await _append.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long seq;
            await using (var next = connection.Command("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log;", transaction))
            {
                seq = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            string prev;
            await using (var last = connection.Command("SELECT hash FROM audit_log WHERE tenant_id IS $tenant ORDER BY seq DESC LIMIT 1;", transaction)
                .With("$tenant", draft.TenantId))
            {
                prev = await last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? AuditChain.GenesisHash;
            }

            // Round the timestamp to what the canonical form keeps, so the stored entry re-verifies exactly.
            var timestamp = SqliteDatabase.Parse(SqliteDatabase.Format(draft.Timestamp));
            var entry = new AuditEntry(
                seq, timestamp, draft.TenantId, draft.KeyId, draft.Action, draft.Method, draft.Path,
                draft.ObjectIds, draft.BodiesIn, draft.BodiesOut, draft.ParmsId, draft.DurationMicroseconds, draft.Status, draft.Outcome,
                prev, string.Empty);
            entry = entry with { Hash = AuditChain.ComputeHash(prev, entry) };
            await using (var insert = connection.Command(
                """
                INSERT INTO audit_log (seq, timestamp, tenant_id, key_id, action, method, path, object_ids, bodies_in, bodies_out,
                    parms_id, duration_us, status, outcome, prev_hash, hash)
                VALUES ($seq, $ts, $tenant, $key, $action, $method, $path, $objects, $in, $out, $parms, $duration, $status, $outcome, $prev, $hash);
                """, transaction))
            {
                insert.With("$seq", seq).With("$ts", SqliteDatabase.Format(timestamp)).With("$tenant", entry.TenantId).With("$key", entry.KeyId)
                    .With("$action", entry.Action).With("$method", entry.Method).With("$path", entry.Path)
                    .With("$objects", JsonSerializer.Serialize(entry.ObjectIds)).With("$in", JsonSerializer.Serialize(entry.BodiesIn))
                    .With("$out", JsonSerializer.Serialize(entry.BodiesOut)).With("$parms", entry.ParmsId).With("$duration", entry.DurationMicroseconds)
                    .With("$status", entry.Status).With("$outcome", entry.Outcome).With("$prev", entry.PrevHash).With("$hash", entry.Hash);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return entry;
        }
        finally
        {
            _append.Release();
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEntry> ReadAsync(
        string? tenantId, bool allTenants, long afterSeq, long? untilSeq, int? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = allTenants
            ? "SELECT * FROM audit_log WHERE seq > $after AND seq <= $until ORDER BY seq LIMIT $limit;"
            : "SELECT * FROM audit_log WHERE tenant_id IS $tenant AND seq > $after AND seq <= $until ORDER BY seq LIMIT $limit;";
        // SQLite reads a negative LIMIT as no limit.
        await using var command = connection.Command(sql)
            .With("$after", afterSeq).With("$until", untilSeq ?? long.MaxValue).With("$limit", limit ?? -1).With("$tenant", tenantId);
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
                JsonSerializer.Deserialize<string[]>(reader.GetString("object_ids")) ?? [],
                JsonSerializer.Deserialize<string[]>(reader.GetString("bodies_in")) ?? [],
                JsonSerializer.Deserialize<string[]>(reader.GetString("bodies_out")) ?? [],
                reader.GetStringOrNull("parms_id"),
                reader.GetInt64("duration_us"),
                (int)reader.GetInt64("status"),
                reader.GetString("outcome"),
                reader.GetString("prev_hash"),
                reader.GetString("hash"));
        }
    }

    /// <inheritdoc/>
    public async Task<AuditHeadSnapshot> ReadHeadAsync(string? tenantId, bool allTenants, long afterSeq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One read transaction: the count, the last seq and the heads describe the same snapshot even while the log grows.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var scope = allTenants ? "" : "tenant_id IS $tenant AND ";
        long entries;
        long lastSeq;
        await using (var count = connection.Command($"SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM audit_log WHERE {scope}seq > $after;", transaction)
            .With("$after", afterSeq).With("$tenant", tenantId))
        await using (var row = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await row.ReadAsync(cancellationToken).ConfigureAwait(false);
            entries = row.GetInt64(0);
            lastSeq = row.GetInt64(1);
        }

        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var last = connection.Command(
            $"SELECT tenant_id, hash FROM audit_log WHERE seq IN (SELECT MAX(seq) FROM audit_log WHERE {scope}seq > $after AND seq <= $until GROUP BY tenant_id);",
            transaction).With("$after", afterSeq).With("$until", lastSeq).With("$tenant", tenantId))
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
