using System.Text;
using System.Text.Json;

namespace HeCompute.Contracts;

/// <summary>
/// The SIEM export format: one JSON object per line, with field names from the Elastic Common Schema (which Splunk,
/// Sentinel and OpenSearch map too) and the HeCompute-specific fields, the chain links included, under
/// <c>hecompute</c>. The server README lists the fields.
/// </summary>
public static class AuditSiem
{
    /// <summary>The <c>--format</c> name of this format.</summary>
    public const string FormatName = "siem";

    /// <summary>One entry as one SIEM line (no trailing newline).</summary>
    public static string ToJsonLine(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("@timestamp", AuditChain.FormatTimestamp(entry.Timestamp));
            writer.WriteStartObject("event");
            writer.WriteString("kind", "event");
            writer.WriteString("dataset", "hecompute.audit");
            writer.WriteString("action", entry.Action);
            writer.WriteString("outcome", entry.Outcome == "success" ? "success" : "failure");
            // ECS durations are nanoseconds.
            writer.WriteNumber("duration", entry.DurationMicroseconds * 1000);
            writer.WriteNumber("sequence", entry.Seq);
            writer.WriteEndObject();
            writer.WriteStartObject("http");
            writer.WriteStartObject("request");
            writer.WriteString("method", entry.Method);
            writer.WriteEndObject();
            writer.WriteStartObject("response");
            writer.WriteNumber("status_code", entry.Status);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("url");
            writer.WriteString("path", entry.Path);
            writer.WriteEndObject();
            WriteIdObject(writer, "organization", entry.TenantId);
            WriteIdObject(writer, "user", entry.KeyId);
            writer.WriteStartObject("hecompute");
            writer.WriteString("outcome", entry.Outcome);
            WriteArray(writer, "object_ids", entry.ObjectIds);
            WriteArray(writer, "bodies_in", entry.BodiesIn);
            WriteArray(writer, "bodies_out", entry.BodiesOut);
            if (entry.ParmsId is null)
            {
                writer.WriteNull("parms_id");
            }
            else
            {
                writer.WriteString("parms_id", entry.ParmsId);
            }

            writer.WriteString("prev_hash", entry.PrevHash);
            writer.WriteString("hash", entry.Hash);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteIdObject(Utf8JsonWriter writer, string name, string? id)
    {
        writer.WriteStartObject(name);
        if (id is null)
        {
            writer.WriteNull("id");
        }
        else
        {
            writer.WriteString("id", id);
        }

        writer.WriteEndObject();
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
