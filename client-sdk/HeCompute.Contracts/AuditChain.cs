using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HeCompute.Contracts;

/// <summary>
/// The audit log's hash chain, shared by the server (which writes it) and clients (which verify exports offline).
/// Each tenant's entries form one chain: <c>hash = hex(SHA-256(prev_hash ‖ "\n" ‖ canonical JSON))</c>, where the
/// canonical JSON lists the fields in a fixed order without whitespace and with the timestamp in a fixed UTC format.
/// </summary>
public static class AuditChain
{
    /// <summary><see cref="AuditEntry.PrevHash"/> of the first entry of a chain.</summary>
    public static string GenesisHash { get; } = new('0', 64);

    /// <summary>The timestamp format used in the canonical form (UTC, 100 ns precision).</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The chain an entry belongs to: its tenant, or the empty string for unauthenticated calls.</summary>
    public static string ChainOf(AuditEntry entry) => (entry ?? throw new ArgumentNullException(nameof(entry))).TenantId ?? string.Empty;

    /// <summary>The canonical UTF-8 JSON of an entry's fields (without <c>prev_hash</c> and <c>hash</c>).</summary>
    public static byte[] CanonicalJson(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", entry.Seq);
            writer.WriteString("timestamp", FormatTimestamp(entry.Timestamp));
            WriteNullable(writer, "tenant_id", entry.TenantId);
            WriteNullable(writer, "key_id", entry.KeyId);
            writer.WriteString("action", entry.Action);
            writer.WriteString("method", entry.Method);
            writer.WriteString("path", entry.Path);
            WriteArray(writer, "object_ids", entry.ObjectIds);
            WriteArray(writer, "bodies_in", entry.BodiesIn);
            WriteArray(writer, "bodies_out", entry.BodiesOut);
            WriteNullable(writer, "parms_id", entry.ParmsId);
            writer.WriteNumber("duration_us", entry.DurationMicroseconds);
            writer.WriteNumber("status", entry.Status);
            writer.WriteString("outcome", entry.Outcome);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The hash an entry must carry, given the previous hash of its chain.</summary>
    public static string ComputeHash(string prevHash, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(prevHash);
        var canonical = CanonicalJson(entry);
        var prefix = Encoding.ASCII.GetBytes(prevHash + "\n");
        var input = new byte[prefix.Length + canonical.Length];
        prefix.CopyTo(input, 0);
        canonical.CopyTo(input, prefix.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>Formats a timestamp as the canonical form does.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Recomputes every chain in <paramref name="entries"/> (in sequence order). With
    /// <paramref name="allowPartialStart"/>, the first entry of each chain may link to an entry not given
    /// (an export that starts mid-log); otherwise it must link to the genesis hash.
    /// </summary>
    public static AuditVerificationResponse Verify(IEnumerable<AuditEntry> entries, bool allowPartialStart = false)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        long count = 0;
        long lastSeq = long.MinValue;
        foreach (var entry in entries)
        {
            count++;
            if (entry.Seq <= lastSeq)
            {
                return Broken(entry.Seq, $"entry {entry.Seq} is out of sequence order (after {lastSeq})");
            }

            lastSeq = entry.Seq;
            var chain = ChainOf(entry);
            if (heads.TryGetValue(chain, out var expectedPrev))
            {
                if (!string.Equals(entry.PrevHash, expectedPrev, StringComparison.Ordinal))
                {
                    return Broken(entry.Seq, $"entry {entry.Seq} does not link to the previous entry of its chain (an entry was removed, reordered or altered)");
                }
            }
            else if (!allowPartialStart && !string.Equals(entry.PrevHash, GenesisHash, StringComparison.Ordinal))
            {
                return Broken(entry.Seq, $"entry {entry.Seq} is the first of its chain but does not link to the genesis hash (earlier entries are missing)");
            }

            var recomputed = ComputeHash(entry.PrevHash, entry);
            if (!string.Equals(recomputed, entry.Hash, StringComparison.Ordinal))
            {
                return Broken(entry.Seq, $"entry {entry.Seq} was altered: its content does not match its hash");
            }

            heads[chain] = entry.Hash;
        }

        return new AuditVerificationResponse(true, count, heads.Count, null, null, heads);

        AuditVerificationResponse Broken(long seq, string reason) =>
            new(false, count, heads.Count, seq, reason, heads);
    }

    /// <summary>Reads an export (JSON lines, as <c>GET /v1/audit</c> returns) and verifies it.</summary>
    public static AuditVerificationResponse VerifyJsonLines(TextReader reader, bool allowPartialStart = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Verify(ReadJsonLines(reader), allowPartialStart);
    }

    /// <summary>Parses an export, one entry per non-empty line.</summary>
    public static IEnumerable<AuditEntry> ReadJsonLines(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            yield return JsonSerializer.Deserialize<AuditEntry>(line, HeComputeJson.Options)
                ?? throw new FormatException("An audit export line is null.");
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
