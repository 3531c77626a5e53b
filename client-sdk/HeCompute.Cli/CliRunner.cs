using System.CommandLine;
using System.Text.Json;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Dicom;
using HeCompute.Dicom.Deidentification;
using HeCompute.Features;
using HeCompute.Protocol.Packing;
using Spectre.Console;

namespace HeCompute.Cli;

/// <summary>Runs a command's action and turns every expected failure into a message and an exit code.</summary>
internal static class CliRunner
{
    /// <summary>Exit code of input, usage and local errors.</summary>
    public const int InputError = 1;

    /// <summary>Exit code when the server answered with an error.</summary>
    public const int ApiError = 2;

    /// <summary>Exit code when the server presented a certificate other than the pinned one.</summary>
    public const int CertificateRefused = 4;

    /// <summary>Exit code when interrupted.</summary>
    public const int Cancelled = 130;

    public static void SetAction(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, action, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parse, Func<CliContext, ParseResult, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        using var context = new CliContext(parse);
        try
        {
            return await action(context, parse, cancellationToken);
        }
        catch (HeComputeApiException e)
        {
            Report(context.Output, new CliProblem(e.Type, e.Title, (int)e.Status == 0 ? null : (int)e.Status, e.Detail ?? e.Message, e.Errors.Count == 0 ? null : e.Errors));
            return ApiError;
        }
        catch (CertificatePinMismatchException e)
        {
            Report(context.Output, new CliProblem("about:blank", "Certificate pin mismatch", null, e.Message, null));
            return CertificateRefused;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Report(context.Output, new CliProblem("about:blank", "Cancelled", null, "The command was interrupted.", null));
            return Cancelled;
        }
        catch (Exception e) when (e is CliException or KeyStoreException or PlanMismatchException or DicomException or DeidentificationException
            or FeatureExtractionException or FeatureSchemaMismatchException or ArgumentException or IOException or UnauthorizedAccessException
            or SealException or JsonException or FormatException or InvalidOperationException)
        {
            string detail = e is BurnedInAnnotationException
                ? e.Message + " Pass --clean-rect x,y,width,height (or --clean-pixels default for ultrasound) to blank the text, or --allow-burned-in-annotation to accept it as it is (the text in the pixels is not removed)."
                : e.Message;
            Report(context.Output, new CliProblem("about:blank", Title(e), null, detail, null));
            return InputError;
        }
    }

    private static string Title(Exception e) => e switch
    {
        CliException => "Invalid usage",
        KeyStoreException => "Key store error",
        PlanMismatchException => "Plan mismatch",
        BurnedInAnnotationException => "De-identification policy",
        DicomException or DeidentificationException => "DICOM error",
        FeatureExtractionException or FeatureSchemaMismatchException => "Feature error",
        IOException or UnauthorizedAccessException => "File error",
        SealException => "Malformed SEAL object",
        JsonException or FormatException => "Malformed input",
        _ => "Invalid input",
    };

    private static void Report(CliOutput output, CliProblem problem)
    {
        if (output.Json)
        {
            output.Result(problem, _ => { });
            return;
        }

        var status = problem.Status is { } s ? $" ({s})" : string.Empty;
        CliOutput.Error.MarkupLine($"[red]error{status}:[/] {Markup.Escape(problem.Title)}: {Markup.Escape(problem.Detail)}");
        if (problem.Errors is { } errors)
        {
            foreach (var (field, messages) in errors)
            {
                CliOutput.Error.MarkupLine($"  {Markup.Escape(field)}: {Markup.Escape(string.Join("; ", messages))}");
            }
        }
    }

    /// <summary>An error as printed with --json: the server's problem details, or the local equivalent.</summary>
    private sealed record CliProblem(string Type, string Title, int? Status, string Detail, IReadOnlyDictionary<string, string[]>? Errors);
}
