using System.CommandLine;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>audit export [--verify]</c>.</summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "The hash-chained audit log (roles auditor, admin)");
        var output = new Option<FileInfo?>("--out") { Description = "Write the export (JSON lines) to this file" };
        var verify = new Option<bool>("--verify") { Description = "Recompute the hash chains offline (exit code 3 if broken)" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant to export (admin only; default: own / all)" };
        var after = new Option<long?>("--after-seq") { Description = "Only entries after this sequence number (implies a partial chain start)" };
        var export = new Command("export", "Export the audit log, optionally verifying it offline") { output, verify, tenant, after };
        CliRunner.SetAction(export, async (context, parse, cancellationToken) =>
        {
            var afterSeq = parse.GetValue(after);
            var lines = await context.Client().ExportAuditAsync(afterSeq, null, parse.GetValue(tenant), cancellationToken);
            var entries = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, lines, cancellationToken);
            }

            AuditVerificationResponse? verification = null;
            if (parse.GetValue(verify))
            {
                using var reader = new StringReader(lines);
                verification = AuditChain.VerifyJsonLines(reader, allowPartialStart: afterSeq is not null);
            }

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
                        ? $"[green]verified[/]: {verification.Entries} entries, {verification.Chains} chain(s) intact"
                        : $"[red]broken[/] at entry {verification.FirstInvalidSeq}: {Markup.Escape(verification.Reason ?? "")}");
                }
            });
            return verification is { Valid: false } ? 3 : 0;
        });
        audit.Add(export);
        return audit;
    }
}
