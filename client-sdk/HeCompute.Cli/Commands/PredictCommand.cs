using System.CommandLine;
using System.Globalization;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Client.Prediction;
using HeCompute.Contracts;
using HeCompute.Features;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>predict --model ID FILES...</c>: DICOM files or CSV feature tables → encrypted prediction → decrypted results.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model id", Required = true };
        var keySet = new Option<string?>("--key-set") { Description = "Local or server key set id (default: the newest uploaded one for the model)" };
        var files = new Argument<FileInfo[]>("files") { Description = "DICOM files, or CSV files with a header naming the model's features", Arity = ArgumentArity.ZeroOrMore };
        files.AcceptExistingOnly();
        var batch = new Option<bool>("--batch") { Description = "Send all ciphertexts of a file set as one predict-batch job, follow it, then download and decrypt the outputs" };
        var dicomWeb = new DicomWebOptions();
        var command = new Command("predict", "Encrypt features, have the server evaluate the model on ciphertexts, decrypt the results") { model, keySet, batch };
        dicomWeb.AddTo(command);
        command.Add(files);
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var client = context.Client();
            var modelResponse = await client.GetModelAsync(parse.GetValue(model)!, cancellationToken);
            using var keys = await UnlockForModelAsync(context, modelResponse, parse.GetValue(keySet), cancellationToken);
            var predictor = new EncryptedPredictor(client, modelResponse, keys, keys.Stored.ServerKeySetId!);
            var paths = (parse.GetValue(files) ?? []).Select(f => f.FullName).ToList();
            using var pacs = await dicomWeb.OpenAsync(context, parse, cancellationToken);
            paths.AddRange(pacs?.Paths ?? []);
            if (paths.Count == 0)
            {
                throw new CliException("Nothing to predict: give DICOM or CSV files, or --dicomweb URL --study UID.");
            }

            var output = await RunAsync(context, predictor, paths, parse.GetValue(batch), cancellationToken);
            if (pacs is not null)
            {
                output = output with { Predictions = [.. output.Predictions.Select(p => p with { Input = pacs.Origin(p.Input) })] };
            }

            context.Output.Result(output, console => Print(console, output));
            return 0;
        });
        return command;
    }

    /// <summary>Unlocks the given key set, or the newest uploaded one generated for the model.</summary>
    public static async Task<ClientKeySet> UnlockForModelAsync(CliContext context, ModelResponse model, string? keySetId, CancellationToken cancellationToken)
    {
        var store = context.KeyStore;
        StoredKeySet stored;
        if (keySetId is not null)
        {
            stored = await store.GetAsync(keySetId, cancellationToken);
        }
        else
        {
            stored = (await store.ListAsync(cancellationToken)).FirstOrDefault(k => k.Subject == "model" && k.SubjectId == model.Id && k.ServerKeySetId is not null)
                ?? throw new CliException($"No uploaded key set for model {model.Id} in {store.Directory}: run `hecompute keys init --model {model.Id}` first.");
        }

        if (stored.ServerKeySetId is null)
        {
            throw new CliException($"Key set {stored.Id} is not uploaded yet: run `hecompute keys upload {stored.Id}`.");
        }

        return await store.UnlockAsync(stored, context.Passphrase(), cancellationToken);
    }

    public static async Task<PredictOutput> RunAsync(CliContext context, EncryptedPredictor predictor, IReadOnlyList<string> paths, bool batch, CancellationToken cancellationToken)
    {
        var csv = paths.Where(p => p.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).ToList();
        var dicom = paths.Except(csv).ToList();
        var rows = new List<PredictedRecord>();
        var runs = new List<PredictionRun>();
        var featureTime = TimeSpan.Zero;
        if (dicom.Count > 0)
        {
            var reader = new DicomFeatureReader(context.Deidentification(), new RadiomicsOptions());
            var pipeline = new DicomPredictionPipeline(reader, predictor);
            var run = await context.Output.WithProgressAsync("Predicting from DICOM", report =>
                pipeline.RunAsync(dicom, new Progress<PredictionProgress>(p => report(Fraction(p), $"{p.Stage} {p.Item}")), cancellationToken, batch));
            rows.AddRange(run.Predictions.Select(p => new PredictedRecord(p.Path, p.Features, p.Result)));
            runs.Add(run.Run);
            featureTime = run.FeatureTime;
        }

        foreach (var path in csv)
        {
            var table = await CsvTable.ReadAsync(path, cancellationToken);
            var records = table.Select(predictor.Features, path);
            var run = await context.Output.WithProgressAsync($"Predicting {Path.GetFileName(path)}", report =>
                batch ? predictor.PredictBatchAsync(records, Progress(report), cancellationToken) : predictor.PredictAsync(records, Progress(report), cancellationToken));
            rows.AddRange(run.Results.Select((r, i) => new PredictedRecord($"{path}#{i + 1}", records[i], r)));
            runs.Add(run);
        }

        var plan = predictor.Model.Plan;
        return new PredictOutput(
            predictor.Model.Id,
            predictor.Features,
            rows,
            new TransferSummary(runs.Sum(r => r.Ciphertexts), runs.Sum(r => r.BytesSent), runs.Sum(r => r.BytesReceived), plan.Sizes.InputCiphertextBytes, plan.Sizes.OutputCiphertextBytes),
            new TimingSummary(
                featureTime.TotalMilliseconds,
                runs.Sum(r => r.Encrypt.TotalMilliseconds),
                runs.Sum(r => r.RoundTrip.TotalMilliseconds),
                runs.All(r => r.ServerCompute is null) ? null : runs.Sum(r => r.ServerCompute?.TotalMilliseconds ?? 0),
                runs.Sum(r => r.Decrypt.TotalMilliseconds)),
            plan.Precision.ExpectedMaxAbsError,
            runs.Any(r => r.JobId is not null) ? [.. runs.Select(r => r.JobId!)] : null);
    }

    public static void Print(IAnsiConsole console, PredictOutput output)
    {
        var table = new Table().AddColumns("input", "class", "probability", "outputs");
        foreach (var row in output.Predictions)
        {
            table.AddRow(
                Markup.Escape(Path.GetFileName(row.Input)),
                Markup.Escape(row.Result.ClassName ?? "-"),
                row.Result.Probability is { } p ? p.ToString("F4", CultureInfo.InvariantCulture) : "-",
                string.Join(' ', row.Result.Outputs.Select(o => o.ToString("G6", CultureInfo.InvariantCulture))));
        }

        console.Write(table);
        var t = output.Transfer;
        console.MarkupLine($"sent {t.Ciphertexts} ciphertext(s), {CliOutput.Bytes(t.BytesSent)}; received {CliOutput.Bytes(t.BytesReceived)}");
        var s = output.TimingsMs;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"features {s.Features:F0} ms, encrypt {s.Encrypt:F0} ms, round trip {s.RoundTrip:F0} ms (server {s.ServerCompute?.ToString("F0", CultureInfo.InvariantCulture) ?? "?"} ms), decrypt {s.Decrypt:F0} ms"));
    }

    private static Progress<PredictionProgress> Progress(Action<double, string?> report) =>
        new(p => report(Fraction(p), p.Item is null ? p.Stage.ToString() : $"{p.Stage} {p.Item}"));

    private static double Fraction(PredictionProgress p) => p.Stage switch
    {
        PredictionStage.Deidentifying or PredictionStage.ExtractingFeatures => 0.3 * p.Completed / Math.Max(1, p.Total),
        PredictionStage.Done => 1,
        _ => 0.3 + (0.7 * p.Completed / Math.Max(1, p.Total)),
    };

    /// <summary>One input's prediction.</summary>
    internal sealed record PredictedRecord(string Input, IReadOnlyList<double> Features, PredictionResult Result);

    /// <summary>Sizes sent and received, beside the plan's per-ciphertext figures.</summary>
    internal sealed record TransferSummary(int Ciphertexts, long BytesSent, long BytesReceived, long PlannedInputCiphertextBytes, long PlannedOutputCiphertextBytes);

    /// <summary>
    /// Milliseconds per step: features (DICOM reading and extraction), encrypt, round trip (upload, server compute and
    /// download; for --batch, submit to last output downloaded), the server's compute (announced per request, or the
    /// batch job's running time), decrypt.
    /// </summary>
    internal sealed record TimingSummary(double Features, double Encrypt, double RoundTrip, double? ServerCompute, double Decrypt);

    /// <summary>What <c>predict --json</c> prints (the notebooks read it): per record the input, features and result; per run the transfer and timings.</summary>
    internal sealed record PredictOutput(
        string ModelId,
        IReadOnlyList<string> Features,
        IReadOnlyList<PredictedRecord> Predictions,
        TransferSummary Transfer,
        TimingSummary TimingsMs,
        double ExpectedMaxAbsError,
        IReadOnlyList<string>? JobIds = null);
}
