using System.Diagnostics;
using System.Globalization;
using System.Text;
using HeCompute.Analytics.Models;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Bench;

/// <summary>
/// <c>--models</c>: per model, accuracy plain vs encrypted on its test records, single-record latency (median of 5),
/// batched throughput, bytes in and out, and the planned evaluation keys, as a Markdown table (Stopwatch timings;
/// BenchmarkDotNet's <see cref="ModelBenchmarks"/> measures the single-record latency too).
/// </summary>
public static class ModelReport
{
    /// <summary>Usage of the mode.</summary>
    public const string Usage = "--models [--max-ciphertexts N (default 64)] [--model NAME ...]";

    /// <summary>Runs the report and prints it.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var maxCiphertexts = 64;
        var only = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--max-ciphertexts" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                maxCiphertexts = parsed;
            }
            else if (args[i] == "--model" && i + 1 < args.Length)
            {
                only.Add(args[i + 1]);
            }
        }

        using var fixture = ModelFixture.Create(only);
        var table = new StringBuilder();
        table.AppendLine("| model | N, primes | per ct | depth | steps | Galois keys | relin keys | in / out per ct | 1 record | batched per record | records | plain acc. | encrypted acc. | enc = plain | max abs diff |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var model in fixture.Cases)
        {
            table.AppendLine(Measure(model, maxCiphertexts));
            Console.WriteLine(table.ToString().Split('\n')[^2]);
        }

        Console.WriteLine();
        Console.WriteLine(table.ToString());
        return 0;
    }

    private static string Measure(ModelCase c, int maxCiphertexts)
    {
        var model = c.Model;
        var perCiphertext = model.RecordsPerCiphertext;
        var count = Math.Min(c.Records.Length, perCiphertext * maxCiphertexts);
        var (plainRight, encryptedRight, same, worst) = (0, 0, 0, 0.0);
        long inBytes = 0, outBytes = 0;
        var evaluate = new Stopwatch();
        for (var start = 0; start < count; start += perCiphertext)
        {
            var batch = c.Records.Skip(start).Take(Math.Min(perCiphertext, count - start)).ToArray();
            var (input, bytes) = c.Encrypt(batch);
            inBytes = bytes;
            evaluate.Start();
            var result = model.Evaluate(c.Evaluation, input, batch.Length);
            evaluate.Stop();
            outBytes = result.SaveSize(CompressionMode.None);
            var outputs = c.Decrypt(result, batch.Length);
            for (var b = 0; b < batch.Length; b++)
            {
                var plain = model.EvaluatePlain(model.Document.Input.Standardize(batch[b]));
                var label = c.Labels[start + b];
                var plainClass = ModelCase.Predict(plain);
                var encryptedClass = ModelCase.Predict(outputs[b]);
                plainRight += plainClass == label ? 1 : 0;
                encryptedRight += encryptedClass == label ? 1 : 0;
                same += plainClass == encryptedClass ? 1 : 0;
                for (var o = 0; o < plain.Length; o++)
                {
                    worst = Math.Max(worst, Math.Abs(plain[o] - outputs[b][o]));
                }
            }
        }

        var single = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var (input, _) = c.Encrypt([c.Records[run % c.Records.Length]]);
            var watch = Stopwatch.StartNew();
            model.Evaluate(c.Evaluation, input, 1);
            single.Add(watch.Elapsed.TotalMilliseconds);
        }

        single.Sort();
        var perRecord = evaluate.Elapsed.TotalMilliseconds / count;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {c.Name} | {c.PolyModulusDegree}, {{{string.Join(", ", c.PrimeBits)}}} | {perCiphertext} | {model.Depth(c.Evaluation)} | {model.RequiredSteps.Count} | {c.GaloisKeyBytes / 1e6:F1} MB | {c.RelinKeyBytes / 1e6:F1} MB | {inBytes / 1e3:F0} / {outBytes / 1e3:F0} kB | {single[2]:F0} ms | {perRecord:F1} ms | {count} | {100.0 * plainRight / count:F1}% | {100.0 * encryptedRight / count:F1}% | {same}/{count} | {worst:E1} |");
    }
}
