using System.Diagnostics;
using System.Globalization;
using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;

namespace HeCompute.Bench;

/// <summary>
/// <c>--keys</c>: per model, the hoisted layout (one key per rotation step, the planner's only layout before key
/// budgets) and the layout each key preset chooses, at the preset plan's ring and primes: keys, seeded Galois-key bytes
/// beside SEAL's default set, the planner's latency estimate and the measured server time of one ciphertext with
/// exactly those keys (median of 5 after a warm-up that encodes the diagonals), as a Markdown table.
/// </summary>
public static class KeyReport
{
    /// <summary>Usage of the mode.</summary>
    public const string Usage = "--keys [--model NAME ...] (default: logistic-cancer, cnn-shapes, cnn-breastmnist when its data is present)";

    /// <summary>Runs the report and prints it.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var only = new List<string>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--model")
            {
                only.Add(args[i + 1]);
            }
        }

        using var fixture = ModelFixture.Create(only.Count > 0 ? only : ["logistic-cancer", "cnn-shapes", "cnn-breastmnist"]);
        Console.WriteLine("| model | layout | N | keys | Galois keys | SEAL default set | est. per ct | measured per ct | records per ct | max abs diff |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var source in fixture.Cases)
        {
            var document = source.Model.Document;
            var balanced = ModelPlanner.Plan(document, new PlanOptions());
            var slots = balanced.Document.Parameters.PolyModulusDegree / 2;
            var hoisted = ModelPlanner.Compile(document, slots, RotationSchedule.Hoisted);
            Row(source, balanced, hoisted, "hoisted (before)");
            foreach (var preset in KeyPresets.All)
            {
                var plan = preset == KeyPresets.Balanced ? balanced : ModelPlanner.Plan(document, new PlanOptions(KeyPreset: preset));
                Row(source, plan, plan.Model, $"{preset}: {plan.Document.KeyChoice?.Chosen.Rotations ?? "hoisted"}");
            }
        }

        return 0;
    }

    private static void Row(ModelCase source, ModelPlan plan, Analytics.Models.IEncryptedModel model, string name)
    {
        using var c = ModelCase.ForPlan(source, plan, model);
        var parameters = plan.Document.Parameters;
        var batch = source.Records.Take(model.RecordsPerCiphertext).Select(r => (IReadOnlyList<double>)r).ToArray();
        var (input, _) = c.Encrypt(batch);
        var outputs = c.Decrypt(model.Evaluate(c.Evaluation, input, batch.Length), batch.Length);
        var worst = 0.0;
        for (var b = 0; b < batch.Length; b++)
        {
            var plain = model.EvaluatePlain(model.Document.Input.Standardize(batch[b]));
            for (var o = 0; o < plain.Length; o++)
            {
                worst = Math.Max(worst, Math.Abs(plain[o] - outputs[b][o]));
            }
        }

        var times = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var (fresh, _) = c.Encrypt(batch);
            var watch = Stopwatch.StartNew();
            model.Evaluate(c.Evaluation, fresh, batch.Length);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var primes = parameters.CoeffModulusBits.Count;
        var all = Analytics.Planning.SealSizes.GaloisKeys(parameters.PolyModulusDegree, primes, HeCompute.Lattice.Rlwe.GaloisElements.DefaultKeyCount(parameters.PolyModulusDegree));
        var estimate = LatencyEstimate.Milliseconds(model.Work, parameters.PolyModulusDegree, primes - 1);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {source.Name} | {name} | {parameters.PolyModulusDegree} | {model.RequiredSteps.Count} | {c.GaloisKeyBytes / 1048576.0:F1} MiB | {all / 1048576.0:F1} MiB | {estimate:F0} ms | {times[2]:F0} ms | {model.RecordsPerCiphertext} | {worst:E1} |"));
    }
}
