using System.CommandLine;
using System.Text;
using System.Text.Json;
using HeCompute.Client.Http;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>audit export [--verify]</c> and <c>audit verify FILE</c> (offline, against the saved head).</summary>
internal static class AuditCommands
{
    private const string CanonicalFormat = "jsonl";

    public static Command Create()
    {
        var audit = new Command("audit", "The hash-chained audit log (roles auditor, admin)");
        var output = new Option<FileInfo?>("--out") { Description = "Write the export (JSON lines) to this file" };
        var verify = new Option<bool>("--verify")
        {
            Description = "Check the hash chains and that the export ends exactly at the server's signed head: count, last seq and last hash (exit code 3 if not)",
        };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant to export (admin only; default: own / all)" };
        var after = new Option<long?>("--after-seq") { Description = "Only entries after this sequence number (implies a partial chain start)" };
        var pageSize = new Option<int>("--page-size")
        {
            Description = "Entries per request; every page is fetched",
            DefaultValueFactory = _ => HeComputeClient.DefaultAuditPageSize,
        };
        var format = new Option<string>("--format")
        {
            Description = $"'{CanonicalFormat}': the entries as the server signs them; '{AuditSiem.FormatName}': one ECS-style event per line for a SIEM (fields in the server README)",
            DefaultValueFactory = _ => CanonicalFormat,
        };
        format.AcceptOnlyFromAmong(CanonicalFormat, AuditSiem.FormatName);
        var pin = HeadKeyOption();
        var export = new Command("export", "Export the whole audit log, page by page, optionally verifying it against the server's signed head")
        {
            output, verify, tenant, after, pageSize, format, pin,
        };
        CliRunner.SetAction(export, async (context, parse, cancellationToken) =>
        {
            var result = await context.Client().ExportCompleteAuditAsync(
                parse.GetValue(tenant), parse.GetValue(after), parse.GetValue(pageSize), parse.GetValue(pin), cancellationToken);
            var siem = parse.GetValue(format) == AuditSiem.FormatName;
            var lines = siem ? ToSiem(result.Entries) : result.JsonLines;
            var entries = result.Entries.Count;
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, lines, cancellationToken);
                // The signed head beside a canonical export, so the pair can be checked again later without the server.
                if (!siem)
                {
                    await File.WriteAllTextAsync(HeadPath(file), JsonSerializer.Serialize(result.Verification.Head, HeComputeJson.Options), cancellationToken);
                }
            }

            var verification = parse.GetValue(verify) ? result.Verification : null;
            if (!context.Output.Json && parse.GetValue(output) is null)
            {
                Console.Out.Write(lines);
            }

            context.Output.Result(new { Entries = entries, File = parse.GetValue(output)?.FullName, Verification = verification }, console =>
            {
                if (parse.GetValue(output) is { } f)
                {
                    CliOutput.Error.MarkupLine($"Wrote {entries} entries to {Markup.Escape(f.FullName)}.");
                }

                if (verification is not null)
                {
                    CliOutput.Error.MarkupLine(verification.Valid
                        ? $"[green]verified[/]: {verification.Chain.Entries} entries, {verification.Chain.Chains} chain(s) intact, complete up to the server's head " +
                            $"(entry {verification.Head.LastSeq}, signed by key {verification.Head.KeyFingerprint})"
                        : $"[red]not verified[/]: {Markup.Escape(verification.Reason ?? "")}");
                }
            });
            return verification is { Valid: false } ? 3 : 0;
        });
        audit.Add(export);
        audit.Add(CreateVerify());
        return audit;
    }

    /// <summary><c>audit verify FILE [--head HEAD]</c>: a saved canonical export against its saved signed head.</summary>
    private static Command CreateVerify()
    {
        var pin = HeadKeyOption();
        var file = new Argument<FileInfo>("file") { Description = "A canonical export written by 'audit export --out'" };
        var headFile = new Option<FileInfo?>("--head") { Description = "The signed head saved with it (default: FILE.head.json)" };
        var verify = new Command("verify", "Check a saved export offline: its hash chains, the head's signature, and that it ends exactly at the head (exit code 3 if not)")
        {
            file, headFile, pin,
        };
        CliRunner.SetAction(verify, async (context, parse, cancellationToken) =>
        {
            var export = parse.GetValue(file)!;
            var headPath = parse.GetValue(headFile)?.FullName ?? HeadPath(export);
            if (!File.Exists(export.FullName) || !File.Exists(headPath))
            {
                throw new CliException($"Need both the export ({export.FullName}) and its head ({headPath}).");
            }

            List<AuditEntry> entries;
            AuditHeadResponse head;
            try
            {
                using (var reader = File.OpenText(export.FullName))
                {
                    entries = [.. AuditChain.ReadJsonLines(reader)];
                }

                head = JsonSerializer.Deserialize<AuditHeadResponse>(await File.ReadAllTextAsync(headPath, cancellationToken), HeComputeJson.Options)
                    ?? throw new CliException($"{headPath} is empty.");
            }
            catch (JsonException e)
            {
                throw new CliException($"Not an audit export and head: {e.Message}");
            }

            var verification = AuditHeads.Verify(entries, head, parse.GetValue(pin));
            context.Output.Result(new { Entries = entries.Count, File = export.FullName, Verification = verification }, console =>
                CliOutput.Error.MarkupLine(verification.Valid
                    ? $"[green]verified[/]: {entries.Count} entries, complete up to the signed head (entry {head.LastSeq}, key {head.KeyFingerprint})"
                    : $"[red]not verified[/]: {Markup.Escape(verification.Reason ?? "")}"));
            return verification.Valid ? 0 : 3;
        });
        return verify;
    }

    private static Option<string?> HeadKeyOption() => new("--head-key")
    {
        Description = "Fingerprint (hex SHA-256) the server's audit head key must have (printed by a first --verify)",
    };

    private static string HeadPath(FileInfo export) => export.FullName + ".head.json";

    private static string ToSiem(IReadOnlyList<AuditEntry> entries)
    {
        var builder = new StringBuilder();
        foreach (var entry in entries)
        {
            builder.Append(AuditSiem.ToJsonLine(entry)).Append('\n');
        }

        return builder.ToString();
    }
}
