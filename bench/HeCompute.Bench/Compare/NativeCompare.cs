using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace HeCompute.Bench.Compare;

/// <summary>
/// <c>--seal-compare --native PATH</c>: ours with one and with two engine threads, then a native SEAL timing program
/// with the same counts, one after the other in the same run, and the table of ours / native for both thread counts.
/// </summary>
/// <remarks>
/// The program takes the node-seal runner's options (<see cref="NodeSealRunner.BenchArguments"/>) and prints the
/// runner's JSON shape (<see cref="NodeSealResults"/>), so both are read the same way. It is built outside the
/// repository from SEAL's sources (bench/README.md); none of it is part of this project.
/// </remarks>
public static class NativeCompare
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly int[] ThreadCounts = [1, 2];

    /// <summary>Ops whose ratio the issue targets (≤ 0.20× on two threads, ≤ 0.30× on one).</summary>
    private static readonly HashSet<string> KeySwitching = ["relinearize", "multiply_relinearize", "rotate_vector_1", "complex_conjugate", "decode"];

    /// <summary>Runs the mode; returns the process exit code (1 if the native program did not run).</summary>
    public static int Run(SealCompare.Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loadBefore = SealCompare.LoadAverage();
        var ours = ThreadCounts.ToDictionary(t => t, _ => new Dictionary<(int N, string Op), double>());
        Dictionary<(int N, string Op), double>? native = null;
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var threads in ThreadCounts)
            {
                EngineThreads.Limit(threads);
                foreach (var n in options.Degrees)
                {
                    var repetitions = Repetitions.For(n, options.Quick);
                    Console.Error.WriteLine($"round {round}/{options.Rounds}, ours N={n}, {threads} thread(s): {repetitions.Warmup} warm-up + {repetitions.Calls} timed calls per op");
                    SealCompare.MeasureOps(n, repetitions, options.CpuTime, ours[threads]);
                }
            }

            Console.Error.WriteLine($"round {round}/{options.Rounds}, native: running {options.NativePath}");
            var (exitCode, stdout) = NodeSealRunner.Exec(options.NativePath!, NodeSealRunner.BenchArguments(options.Degrees, options.Quick), Environment.CurrentDirectory, TimeSpan.FromMinutes(30));
            if (exitCode != 0)
            {
                Console.Error.WriteLine($"native: {options.NativePath} exited with {exitCode}");
                continue;
            }

            try
            {
                var medians = NodeSealResults.Parse(stdout).Medians;
                if (native is null)
                {
                    native = medians;
                }
                else
                {
                    foreach (var (key, value) in medians)
                    {
                        SealCompare.KeepLower(native, key, value);
                    }
                }
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine($"native: unreadable output ({e.Message})");
            }
        }

        var report = Render(options, ours, native, $"load average (1 min) {loadBefore} at start, {SealCompare.LoadAverage()} at end");
        Console.WriteLine(report);
        if (options.Output is not null)
        {
            File.WriteAllText(options.Output, report);
        }

        return native is null ? 1 : 0;
    }

    private static string Render(SealCompare.Options options, Dictionary<int, Dictionary<(int N, string Op), double>> ours, Dictionary<(int N, string Op), double>? native, string load)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"HeCompute vs native SEAL 4.4.3 measured in this run ({options.NativePath}), median µs per call{(options.CpuTime ? " (ours: thread CPU time)" : string.Empty)}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(Invariant, $"Machine: {SealCompare.CpuModel()}, CPU family {CpuFamily()}, {Environment.ProcessorCount} logical CPUs; {RuntimeInformation.FrameworkDescription}; {load}.");
        text.AppendLine(Invariant, $"Protocol: {string.Join("; ", options.Degrees.Select(n => $"N={n}: {Repetitions.For(n, options.Quick).Warmup} warm-up + {Repetitions.For(n, options.Quick).Calls} timed calls"))}, the same on both sides; native SEAL single-threaded; ours with 1 and 2 engine threads{(options.Rounds > 1 ? $"; lowest median of {options.Rounds} rounds" : string.Empty)}. Target rows (*): ≤ 0.30× on 1 thread, ≤ 0.20× on 2.");
        if (native is null)
        {
            text.AppendLine("native: not measured (see the errors above).");
        }

        text.AppendLine();
        text.Append("| op |");
        foreach (var n in options.Degrees)
        {
            text.Append(Invariant, $" native N={n} | ours 1 thread | ratio | ours 2 threads | ratio |");
        }

        text.AppendLine();
        text.Append("|---|");
        text.Append(string.Concat(Enumerable.Repeat("---:|---:|---:|---:|---:|", options.Degrees.Length)));
        text.AppendLine();
        foreach (var op in CkksOps.All)
        {
            text.Append(Invariant, $"| {op.Label}{(KeySwitching.Contains(op.Key) ? " *" : string.Empty)} |");
            foreach (var n in options.Degrees)
            {
                double? theirs = native is not null && native.TryGetValue((n, op.Key), out var s) ? s : null;
                text.Append(Invariant, $" {SealCompare.Micros(theirs)} |");
                foreach (var threads in ThreadCounts)
                {
                    double? mine = ours[threads].TryGetValue((n, op.Key), out var m) ? m : null;
                    var ratio = mine is double a && theirs is double b && b > 0 ? (a / b).ToString("F2", Invariant) + "×" : "–";
                    text.Append(Invariant, $" {SealCompare.Micros(mine)} | {ratio} |");
                }
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static string CpuFamily()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu family", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
