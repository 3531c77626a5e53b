using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HeCompute.Client.Prediction;
using HeCompute.Contracts;
using HeCompute.Features;
using HeCompute.Protocol.Models;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary>
/// <c>demo</c>: the whole flow against a running server — synthetic CT images, a plain logistic model fitted on their
/// features and registered, keys generated and uploaded, encrypted predictions decrypted beside the plaintext model's.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] DemoFeatures = ["first_order.maximum", "first_order.p90", "first_order.variance"];

    public static Command Create()
    {
        var images = new Option<int>("--images") { Description = "Synthetic images to generate (half with a lesion)", DefaultValueFactory = _ => 8 };
        var directory = new Option<DirectoryInfo?>("--out") { Description = "Where to write the images (default: a temporary directory)" };
        var command = new Command("demo", "Run the whole encrypted workflow against a running server with generated DICOM images (admin key, or hospital + model-admin)") { images, directory };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var count = parse.GetValue(images);
            if (count is < 2 or > 256)
            {
                throw new CliException("--images must be between 2 and 256.");
            }

            var client = context.Client();
            var me = await client.GetMeAsync(cancellationToken);
            string? tenantId = null;
            if (me.Roles.Contains(Roles.Admin))
            {
                var tenant = await client.CreateTenantAsync($"HeCompute demo {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}", cancellationToken);
                var key = await client.CreateApiKeyAsync(tenant.Id, new CreateApiKeyRequest("demo", [Roles.Hospital, Roles.ModelAdmin]), cancellationToken);
                client = context.Client(key.Secret);
                tenantId = tenant.Id;
                context.Output.Note($"Created demo tenant [bold]{tenant.Id}[/] with a hospital + model-admin key.");
            }
            else if (!me.Roles.Contains(Roles.Hospital) || !me.Roles.Contains(Roles.ModelAdmin))
            {
                throw new CliException($"The demo needs an admin key, or a key with roles hospital and model-admin; this key has: {string.Join(", ", me.Roles)}.");
            }

            var folder = parse.GetValue(directory)?.FullName ?? Path.Combine(Path.GetTempPath(), "hecompute-demo-" + Guid.NewGuid().ToString("N")[..8]);
            var files = SyntheticCtImages.Write(folder, count, seed: 2024);
            context.Output.Note($"Wrote {count} synthetic 64×64 CT images to {Markup.Escape(folder)}.");

            var watch = Stopwatch.StartNew();
            var reader = new DicomFeatureReader(context.Deidentification(), new RadiomicsOptions());
            var selection = reader.SelectFeatures(DemoFeatures, null);
            var features = new List<double[]>();
            foreach (var (path, _) in files)
            {
                var vector = (await reader.ReadAsync(path, cancellationToken)).Vector;
                features.Add([.. selection.Select(i => vector[i])]);
            }

            var plain = LogisticRegression.Fit(DemoFeatures, features, [.. files.Select(f => f.Lesion)]);
            var model = await client.RegisterModelAsync(new RegisterModelRequest("demo lesion classifier", plain.ToDocument("lesion").ToJsonElement(), PrecisionBits: 20), cancellationToken);
            var fitTime = watch.Elapsed;
            if (!context.Output.Json)
            {
                ModelsCommands.PrintPlan(CliOutput.Error, model);
            }

            watch.Restart();
            var (stored, uploaded) = await KeysCommands.InitAsync(context, client, "model", model.Id, upload: true, expiresAt: null, cancellationToken);
            var keyTime = watch.Elapsed;
            using var keys = await context.KeyStore.UnlockAsync(stored, context.Passphrase(), cancellationToken);
            var predictor = new EncryptedPredictor(client, model, keys, uploaded!.Id);
            var output = await PredictCommand.RunAsync(context, predictor, [.. files.Select(f => f.Path)], batch: false, cancellationToken);

            var rows = new List<DemoRow>();
            for (var i = 0; i < files.Count; i++)
            {
                var prediction = output.Predictions[i];
                var plainLogit = plain.Logit(prediction.Features);
                var encryptedLogit = prediction.Result.Outputs[0];
                rows.Add(new DemoRow(
                    Path.GetFileName(files[i].Path),
                    files[i].Lesion,
                    plainLogit,
                    encryptedLogit,
                    LogisticRegression.Sigmoid(plainLogit),
                    prediction.Result.Probabilities![1],
                    plainLogit >= 0,
                    prediction.Result.ClassIndex == 1,
                    Math.Abs(plainLogit - encryptedLogit)));
            }

            var summary = new DemoOutput(
                tenantId,
                model.Id,
                stored.Id,
                uploaded.Id,
                DemoFeatures,
                new DemoSizes(uploaded.TotalBytes, model.Plan.Sizes.AllGaloisKeysBytes, output.Transfer.BytesSent, output.Transfer.BytesReceived, output.Transfer.Ciphertexts),
                new DemoTimings(fitTime.TotalMilliseconds, keyTime.TotalMilliseconds, output.TimingsMs),
                rows,
                rows.Max(r => r.AbsoluteError),
                model.Plan.Precision.ExpectedMaxAbsError);
            context.Output.Result(summary, console => Print(console, summary));
            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, DemoOutput summary)
    {
        var table = new Table().AddColumns("image", "truth", "plain logit", "encrypted logit", "plain p", "encrypted p", "plain class", "encrypted class", "|error|");
        foreach (var r in summary.Rows)
        {
            table.AddRow(
                r.Image,
                r.Lesion ? "lesion" : "clear",
                F(r.PlainLogit),
                F(r.EncryptedLogit),
                r.PlainProbability.ToString("F4", CultureInfo.InvariantCulture),
                r.EncryptedProbability.ToString("F4", CultureInfo.InvariantCulture),
                r.PlainPositive ? "lesion" : "clear",
                r.EncryptedPositive ? "lesion" : "clear",
                r.AbsoluteError.ToString("E2", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var s = summary.Sizes;
        console.MarkupLine($"sent: evaluation keys {CliOutput.Bytes(s.EvaluationKeyBytes)} (SEAL's default Galois keys alone would be {CliOutput.Bytes(s.AllGaloisKeysBytes)}), {s.Ciphertexts} ciphertext(s) {CliOutput.Bytes(s.CiphertextBytesSent)}; received {CliOutput.Bytes(s.CiphertextBytesReceived)}. Never sent: the secret key, any feature or pixel value.");
        var t = summary.TimingsMs;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"timings: features + fit + register {t.FitAndRegister:F0} ms, keys {t.Keys:F0} ms, encrypt {t.Prediction.Encrypt:F0} ms, round trip {t.Prediction.RoundTrip:F0} ms, decrypt {t.Prediction.Decrypt:F0} ms"));
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"largest |encrypted − plain| logit: {summary.MaxAbsError:E2} (plan bound {summary.ExpectedMaxAbsError:E2})"));
    }

    private static string F(double value) => value.ToString("F6", CultureInfo.InvariantCulture);

    private sealed record DemoRow(string Image, bool Lesion, double PlainLogit, double EncryptedLogit, double PlainProbability, double EncryptedProbability, bool PlainPositive, bool EncryptedPositive, double AbsoluteError);

    private sealed record DemoSizes(long EvaluationKeyBytes, long AllGaloisKeysBytes, long CiphertextBytesSent, long CiphertextBytesReceived, int Ciphertexts);

    private sealed record DemoTimings(double FitAndRegister, double Keys, PredictCommand.TimingSummary Prediction);

    private sealed record DemoOutput(string? TenantId, string ModelId, string KeySetId, string ServerKeySetId, IReadOnlyList<string> Features, DemoSizes Sizes, DemoTimings TimingsMs, IReadOnlyList<DemoRow> Rows, double MaxAbsError, double ExpectedMaxAbsError);
}
