using System.CommandLine;
using System.Text.Json;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>models list|show|register</c>.</summary>
internal static class ModelsCommands
{
    public static Command Create()
    {
        var models = new Command("models", "Models and their plans");
        var list = new Command("list", "Models this tenant may use");
        CliRunner.SetAction(list, async (context, parse, cancellationToken) =>
        {
            var response = await context.Client().ListModelsAsync(cancellationToken);
            context.Output.Result(response, console =>
            {
                var table = new Table().AddColumns("id", "name", "kind", "features", "outputs", "N", "shared");
                foreach (var m in response.Items)
                {
                    table.AddRow(m.Id, Markup.Escape(m.Name), m.Kind, $"{m.Features}", Markup.Escape(string.Join(", ", m.Outputs)), $"{m.Plan.Parameters.PolyModulusDegree}", m.Shared ? "yes" : "no");
                }

                console.Write(table);
            });
            return 0;
        });
        models.Add(list);

        var id = new Argument<string>("id") { Description = "Model id" };
        var show = new Command("show", "A model and its plan: parameters, keys, packing, precision and sizes") { id };
        CliRunner.SetAction(show, async (context, parse, cancellationToken) =>
        {
            var model = await context.Client().GetModelAsync(parse.GetValue(id)!, cancellationToken);
            context.Output.Result(model, console => PrintPlan(console, model));
            return 0;
        });
        models.Add(show);
        models.Add(Register());
        return models;
    }

    public static void PrintPlan(IAnsiConsole console, ModelResponse model)
    {
        var plan = model.Plan;
        var p = plan.Parameters;
        console.MarkupLine($"[bold]{Markup.Escape(model.Name)}[/] ({model.Id}), {model.Kind}, features: {Markup.Escape(string.Join(", ", plan.Input.Features))}");
        console.MarkupLine($"parameters: N = {p.PolyModulusDegree}, primes {string.Join('+', p.CoeffModulusBits)} bits, scale 2^{Math.Log2(p.Scale):F1}, {p.SecurityLevel}-bit security");
        console.MarkupLine($"keys: relinearization {(plan.Keys.RelinearizationKeys ? "yes" : "no")}, Galois steps {Markup.Escape($"[{string.Join(' ', plan.Keys.GaloisSteps)}]")}");
        console.MarkupLine($"packing: {plan.Input.RecordsPerCiphertext} records per ciphertext, stride {plan.Input.RecordStride}; output '{Markup.Escape(plan.Output.Meaning)}' at offsets {Markup.Escape($"[{string.Join(' ', plan.Output.Offsets)}]")}");
        console.MarkupLine($"precision: depth {plan.Precision.Depth}, expected max abs error {plan.Precision.ExpectedMaxAbsError:G3}");
        var s = plan.Sizes;
        console.MarkupLine($"sizes: input {CliOutput.Bytes(s.InputCiphertextBytes)}, output {CliOutput.Bytes(s.OutputCiphertextBytes)}, public key {CliOutput.Bytes(s.PublicKeyBytes)}, relin {CliOutput.Bytes(s.RelinKeysBytes)}, Galois {CliOutput.Bytes(s.GaloisKeysBytes)} (all steps would be {CliOutput.Bytes(s.AllGaloisKeysBytes)})");
        if (plan.WidenedIntervals is { } widened)
        {
            foreach (var w in widened)
            {
                console.MarkupLine($"widened: layer {w.Layer} ({Markup.Escape(w.Function)}) fitted on [{w.Lower:G4}, {w.Upper:G4}]");
            }
        }

        if (plan.KeyChoice is { } choice)
        {
            var table = new Table().AddColumns("rotations", "N", "keys", "Galois keys", "key switches", "est. ms", "chosen");
            foreach (var a in choice.Alternatives)
            {
                table.AddRow(a.Rotations, $"{a.PolyModulusDegree}", $"{a.GaloisSteps.Count}", CliOutput.Bytes(a.GaloisKeysBytes), $"{a.KeySwitches}", $"{a.EstimatedLatencyMs:F1}", a == choice.Chosen ? "yes" : string.Empty);
            }

            console.MarkupLine($"key choice ({Markup.Escape(choice.KeyBudgetBytes is { } b ? $"budget {CliOutput.Bytes(b)}" : $"preset {choice.Preset}")}): {Markup.Escape(choice.Chosen.Rotations)}");
            console.Write(table);
        }
    }

    private static Command Register()
    {
        var file = new Argument<FileInfo>("file") { Description = "A hecompute-model JSON document, or an ONNX file with --onnx" };
        file.AcceptExistingOnly();
        var name = new Option<string?>("--name") { Description = "Display name (default: the file name)" };
        var onnx = new Option<bool>("--onnx") { Description = "The file is an ONNX model" };
        var options = new Option<string?>("--options") { Description = "ONNX import options: a JSON file, or inline JSON (features, outputs, mean, scale, bounds…)" };
        var shared = new Option<bool>("--shared") { Description = "Let every tenant use the model" };
        var precision = new Option<int?>("--precision-bits") { Description = "Bits of precision the outputs need" };
        var preset = new Option<string?>("--preset") { Description = "Galois keys against latency: smallest-keys, balanced (default) or fastest" };
        preset.AcceptOnlyFromAmong([.. KeyPresets.All]);
        var budget = new Option<long?>("--key-budget") { Description = "At most this many bytes of Galois keys: the fastest layout within it (overrides --preset)" };
        var widen = new Option<bool>("--widen-intervals") { Description = "Widen activation intervals narrower than their propagated inputs (listed in the plan) instead of refusing the model" };
        var command = new Command("register", "Register a model (role model-admin)") { file, name, onnx, options, shared, precision, preset, budget, widen };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var displayName = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path);
            var client = context.Client();
            ModelResponse model;
            if (parse.GetValue(onnx))
            {
                var given = parse.GetValue(options) ?? throw new CliException("--onnx needs --options (a JSON file or inline JSON) with at least the feature names, e.g. {\"features\":[\"a\",\"b\"]}.");
                var json = given.TrimStart().StartsWith('{') ? given : await File.ReadAllTextAsync(given, cancellationToken);
                var read = JsonSerializer.Deserialize<OnnxImportRequest>(json, HeComputeJson.Options) ?? throw new CliException("--options is empty.");

                // The command line wins over the options file; the file's own name, sharing, precision and key options stay otherwise.
                var request = read with
                {
                    Name = parse.GetValue(name) ?? (string.IsNullOrWhiteSpace(read.Name) ? displayName : read.Name),
                    Shared = parse.GetValue(shared) || read.Shared,
                    PrecisionBits = parse.GetValue(precision) ?? read.PrecisionBits,
                    WidenIntervals = parse.GetValue(widen) || read.WidenIntervals,
                    KeyPreset = parse.GetValue(preset) ?? read.KeyPreset,
                    KeyBudgetBytes = parse.GetValue(budget) ?? read.KeyBudgetBytes,
                };
                var stream = File.OpenRead(path);
                await using (stream)
                {
                    model = await client.ImportOnnxModelAsync(stream, request, cancellationToken);
                }
            }
            else
            {
                using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken));
                model = await client.RegisterModelAsync(
                    new RegisterModelRequest(
                        displayName,
                        document.RootElement.Clone(),
                        parse.GetValue(shared),
                        parse.GetValue(precision),
                        WidenIntervals: parse.GetValue(widen),
                        KeyPreset: parse.GetValue(preset),
                        KeyBudgetBytes: parse.GetValue(budget)),
                    cancellationToken);
            }

            context.Output.Result(model, console => PrintPlan(console, model));
            return 0;
        });
        return command;
    }
}
