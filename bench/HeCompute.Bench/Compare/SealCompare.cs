using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace HeCompute.Bench.Compare;

/// <summary>
/// The <c>--seal-compare</c> mode: our operations timed with the node-seal runner's Stopwatch-median protocol,
/// then the node-seal runner itself in the same run (one after the other, never side by side: both would compete
/// for the two cores), then one markdown table beside the native SEAL anchors.
/// </summary>
public static class SealCompare
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Usage of the mode's options.</summary>
    public const string Usage = """
        --seal-compare [--quick] [--rounds R] [--n 8192,16384] [--threads T] [--cpu-time] [--no-seal] [--seal-root DIR] [--out FILE] [--json FILE]
          --quick       20 timed calls at N=8192 and 10 at N=16384 (warm-up 3) instead of 300 and 100, for CI-size runs
          --rounds      run ours and node-seal R times, alternating, and keep each op's lowest median (default 1);
                        for a machine shared with other work
          --n           ring degrees to run (default 8192,16384)
          --threads     most threads one engine operation uses (default: all cores; 1 = single-threaded like the
                        anchors and node-seal)
          --cpu-time    time our calls by the thread's CPU time instead of the wall clock (implies --threads 1 and
                        --no-seal): what a call costs without the time it waited for a core on a busy machine
          --no-seal     skip the node-seal runner (its columns show "–"); without it, a node-seal runner that cannot
                        run makes the exit code 1 (the table is still printed)
          --seal-root   directory against which tests/interop/install.sh and bench/seal-reference/bench.mjs are
                        resolved (default: the repository holding HeCompute.sln above the working directory)
          --out         also write the markdown report to FILE
          --json        also write the figures as JSON to FILE (ours, node-seal, native per op)
          --native PATH a native SEAL timing program (bench/README.md says how to build one outside the repository):
                        ours is measured with 1 and 2 threads, then PATH runs with the same counts in the same run,
                        and the report is the table of ours / native for both thread counts (node-seal is skipped)
        """;

    /// <summary>The mode's options.</summary>
    /// <param name="Degrees">Ring degrees.</param>
    /// <param name="Quick">Fewer repetitions.</param>
    /// <param name="Rounds">Alternating rounds; the lowest median per op is kept.</param>
    /// <param name="CpuTime">Thread CPU time instead of wall-clock time (single-threaded engine, no node-seal).</param>
    /// <param name="NoSeal">Skip node-seal.</param>
    /// <param name="SealRoot">Root for the node-seal runner's paths, or null for the repository root.</param>
    /// <param name="Output">File for the report, or null.</param>
    /// <param name="JsonOutput">File for the same figures as JSON (for notebooks and scripts), or null.</param>
    /// <param name="NativePath">A native SEAL timing program to run in the same run, or null.</param>
    public sealed record Options(int[] Degrees, bool Quick, int Rounds, bool CpuTime, bool NoSeal, string? SealRoot, string? Output, string? JsonOutput = null, string? NativePath = null)
    {
        /// <summary>Reads the options from the command line.</summary>
        public static Options Parse(string[] args)
        {
            ArgumentNullException.ThrowIfNull(args);
            var cpuTime = args.Contains("--cpu-time");
            if (cpuTime && !ThreadCpuClock.IsSupported)
            {
                throw new PlatformNotSupportedException("--cpu-time needs Linux's per-thread CPU clock.");
            }

            var rounds = int.Parse(Option(args, "--rounds") ?? "1", Invariant);
            if (rounds < 1)
            {
                throw new ArgumentException("--rounds needs a positive count.");
            }

            return new Options(
                (Option(args, "--n") ?? "8192,16384").Split(',').Select(s => int.Parse(s, Invariant)).ToArray(),
                args.Contains("--quick"),
                rounds,
                cpuTime,
                cpuTime || args.Contains("--no-seal") || args.Contains("--native"),
                Option(args, "--seal-root"),
                Option(args, "--out"),
                Option(args, "--json"),
                Option(args, "--native"));
        }
    }

    /// <summary>Runs the mode; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var options = Options.Parse(args);
        if (options.NativePath is not null)
        {
            return NativeCompare.Run(options);
        }

        if (options.CpuTime)
        {
            EngineThreads.Limit(1);
        }

        var loadBefore = LoadAverage();
        var ours = new Dictionary<(int N, string Op), double>();
        NodeSealResults? seal = null;
        string? sealError = options.CpuTime ? "skipped (--cpu-time: node-seal is timed by the wall clock)" : "skipped (--no-seal)";
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var n in options.Degrees)
            {
                var repetitions = Repetitions.For(n, options.Quick);
                Console.Error.WriteLine($"round {round}/{options.Rounds}, ours N={n}: {repetitions.Warmup} warm-up + {repetitions.Calls} timed calls per op, median");
                MeasureOps(n, repetitions, options.CpuTime, ours);
            }

            if (!options.NoSeal)
            {
                Console.Error.WriteLine($"round {round}/{options.Rounds}, node-seal: running {RepoPaths.SealBenchScript}");
                var (results, error) = NodeSealRunner.Run(options.SealRoot ?? RepoPaths.FindRoot(), options.Degrees, options.Quick);
                if (results is not null)
                {
                    seal = seal is null ? results : seal with { Medians = KeepLowest(seal.Medians, results.Medians) };
                    sealError = null;
                }
                else
                {
                    Console.Error.WriteLine("node-seal: " + error);
                    sealError = seal is null ? error : sealError;
                }
            }
        }

        var report = Render(options, ours, seal, sealError, $"load average (1 min) {loadBefore} at start, {LoadAverage()} at end");
        Console.WriteLine(report);
        if (options.Output is not null)
        {
            File.WriteAllText(options.Output, report);
        }

        if (options.JsonOutput is not null)
        {
            File.WriteAllText(options.JsonOutput, RenderJson(options, ours, seal));
        }

        // A node-seal runner that was asked for and failed must not pass unnoticed (--no-seal is the way to skip it).
        return options.NoSeal || seal is not null ? 0 : 1;
    }

    internal static void MeasureOps(int n, Repetitions repetitions, bool cpuTime, Dictionary<(int N, string Op), double> into)
    {
        var ckks = new CkksFixture(n);
        foreach (var op in CkksOps.All)
        {
            Settle();
            Record(into, n, op.Key, MedianTimer.MedianMicroseconds(() => op.Run(ckks), repetitions, cpuTime));
        }

        var ntt = new NttFixture(n);
        foreach (var op in NttOps.All)
        {
            Settle();
            Record(into, n, op.Key, MedianTimer.MedianMicroseconds(() => op.Run(ntt), repetitions, cpuTime));
        }
    }

    /// <summary>Prints an op's median and keeps the lowest seen over the rounds.</summary>
    private static void Record(Dictionary<(int N, string Op), double> into, int n, string op, double median)
    {
        Console.Error.WriteLine(FormattableString.Invariant($"  {op,-22} {median,10:F1} µs"));
        KeepLower(into, (n, op), median);
    }

    private static Dictionary<(int N, string Op), double> KeepLowest(Dictionary<(int N, string Op), double> a, Dictionary<(int N, string Op), double> b)
    {
        var lowest = new Dictionary<(int N, string Op), double>(a);
        foreach (var (key, value) in b)
        {
            KeepLower(lowest, key, value);
        }

        return lowest;
    }

    internal static void KeepLower(Dictionary<(int N, string Op), double> into, (int N, string Op) key, double value) =>
        into[key] = into.TryGetValue(key, out var current) ? Math.Min(current, value) : value;

    /// <summary>Starts each op from a collected heap, so one op's garbage is not collected on the next op's clock.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// The figures as one JSON document: per ring degree and op, our median, node-seal's median from this run (null if
    /// not measured) and native SEAL's anchor (null if none), in µs.
    /// </summary>
    public static string RenderJson(Options options, Dictionary<(int N, string Op), double> ours, NodeSealResults? seal)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ours);
        var rows = new List<Dictionary<string, object?>>();
        foreach (var n in options.Degrees)
        {
            foreach (var op in CkksOps.All.Cast<OpSpec>().Concat(NttOps.All))
            {
                if (!ours.TryGetValue((n, op.Key), out var median))
                {
                    continue;
                }

                rows.Add(new()
                {
                    ["n"] = n,
                    ["op"] = op.Key,
                    ["label"] = op.Label,
                    ["ours_us"] = median,
                    ["node_seal_us"] = seal is not null && seal.Medians.TryGetValue((n, op.Key), out var theirs) ? theirs : null,
                    ["native_seal_us"] = op.Anchor.Native(n),
                });
            }
        }

        var document = new Dictionary<string, object?>
        {
            ["measured_at"] = DateTime.UtcNow,
            ["cpu_time"] = options.CpuTime,
            ["quick"] = options.Quick,
            ["engine_threads"] = EngineThreads.Apply(),
            ["node_seal"] = seal?.Versions,
            ["rows"] = rows,
        };
        return System.Text.Json.JsonSerializer.Serialize(document, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The markdown report: context lines, the table, and the ops slower than native SEAL.</summary>
    public static string Render(Options options, Dictionary<(int N, string Op), double> ours, NodeSealResults? seal, string? sealError, string load)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ours);
        var (degrees, quick, rounds) = (options.Degrees, options.Quick, options.Rounds);
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"HeCompute vs node-seal (measured in this run) vs native SEAL 4.4.3 (anchors.md), median µs per call; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        if (options.CpuTime)
        {
            text.AppendLine("Ours: thread CPU time per call (--cpu-time), engine single-threaded: the time a call ran, not the time it waited for a core.");
        }

        text.AppendLine(Invariant, $"Machine: {CpuModel()}, {Environment.ProcessorCount} logical CPUs, AVX-512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}; {RuntimeInformation.FrameworkDescription}; engine operations use up to {EngineThreads.Apply()} thread(s) (parallel across RNS primes); {load}.");
        text.AppendLine(Invariant, $"Protocol: {string.Join("; ", degrees.Select(n => $"N={n}: {Repetitions.For(n, quick).Warmup} warm-up + {Repetitions.For(n, quick).Calls} timed calls"))}{(quick ? " (--quick)" : string.Empty)}, the same counts on both sides; our warm-up also lasts at least {MedianTimer.MinWarmup.TotalSeconds:0.##} s (JIT tiering). ratio = ours / node-seal (below 1: we are faster).");
        if (rounds > 1)
        {
            text.AppendLine(Invariant, $"Rounds: {rounds}{(options.NoSeal ? string.Empty : ", ours then node-seal in each")}; every figure is the lowest of its {rounds} medians (the least disturbed by other load on the machine).");
        }

        text.AppendLine(seal is not null
            ? $"node-seal: {seal.Versions}, run by {RepoPaths.SealBenchScript} right after ours."
            : $"node-seal: not measured ({sealError}).");
        if (seal is not null)
        {
            text.AppendLine(LoadCheck(degrees, seal));
        }

        text.AppendLine();
        text.Append("| op |");
        foreach (var n in degrees)
        {
            text.Append(Invariant, $" ours N={n} | node-seal N={n} | ratio | native N={n} |");
        }

        text.AppendLine();
        text.Append("|---|");
        text.Append(string.Concat(Enumerable.Repeat("---:|---:|---:|---:|", degrees.Length)));
        text.AppendLine();

        var slower = new List<string>();
        foreach (var op in CkksOps.All.Concat<OpSpec>(NttOps.All))
        {
            text.Append(Invariant, $"| {op.Label} |");
            foreach (var n in degrees)
            {
                double? mine = ours.TryGetValue((n, op.Key), out var m) ? m : null;
                double? theirs = seal is not null && seal.Medians.TryGetValue((n, op.Key), out var s) ? s : null;
                var native = op.Anchor.Native(n);
                text.Append(Invariant, $" {Micros(mine)} | {Micros(theirs)} | {Ratio(mine, theirs)} | {Micros(native)} |");
                if (mine is double a && native is double b && a > b)
                {
                    slower.Add(FormattableString.Invariant($"{op.Label} at N={n}: {a:F0} µs vs {b:F0} µs native ({a / b:F2}×)"));
                }
            }

            text.AppendLine();
        }

        text.AppendLine();
        if (slower.Count == 0)
        {
            text.AppendLine("No op is slower than native SEAL's anchor.");
        }
        else
        {
            text.AppendLine("Slower than native SEAL's anchor:");
            foreach (var line in slower)
            {
                text.AppendLine("- " + line);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// How much slower node-seal ran here than in the anchors' quiet run (median over the ops both have): a measure of
    /// how much other load on the machine inflated this run's wall-clock figures.
    /// </summary>
    private static string LoadCheck(int[] degrees, NodeSealResults seal)
    {
        var parts = new List<string>();
        foreach (var n in degrees)
        {
            var factors = CkksOps.All
                .Where(op => op.Anchor.NodeSeal(n) is not null && seal.Medians.ContainsKey((n, op.Key)))
                .Select(op => seal.Medians[(n, op.Key)] / op.Anchor.NodeSeal(n)!.Value)
                .ToArray();
            if (factors.Length > 0)
            {
                parts.Add(FormattableString.Invariant($"{MedianTimer.Median(factors):F2}× at N={n}"));
            }
        }

        return $"Load check: node-seal's medians here / its anchors' figures, median over ops: {string.Join(", ", parts)} (1.00× = a machine as quiet as the anchors').";
    }

    internal static string Micros(double? value) => value switch
    {
        null => "–",
        >= 100 => value.Value.ToString("F0", Invariant),
        _ => value.Value.ToString("F1", Invariant),
    };

    private static string Ratio(double? ours, double? theirs) =>
        ours is double a && theirs is double b && b > 0 ? (a / b).ToString("F2", Invariant) + "×" : "–";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The 1-minute load average: other work on the machine shows up here, and in the medians.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
