using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Bench;

/// <summary>
/// How many threads one engine operation may use (the engine parallelises across RNS primes). Default: all cores,
/// as the machine is. <c>--threads N</c> on the command line sets it; it travels to BenchmarkDotNet's child
/// processes in an environment variable, so both modes honour it.
/// </summary>
public static class EngineThreads
{
    private const string Variable = "HECOMPUTE_BENCH_THREADS";

    /// <summary>Removes <c>--threads N</c> from the arguments and records N for this process and its children.</summary>
    public static string[] TakeOption(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var i = Array.IndexOf(args, "--threads");
        if (i < 0)
        {
            return args;
        }

        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var threads) || threads < 1)
        {
            throw new ArgumentException("--threads needs a positive count.");
        }

        Limit(threads);
        return [.. args[..i], .. args[(i + 2)..]];
    }

    /// <summary>Records <paramref name="threads"/> for this process and its children.</summary>
    public static void Limit(int threads) =>
        Environment.SetEnvironmentVariable(Variable, threads.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Applies the recorded count to the engine; returns the count in force.</summary>
    public static int Apply()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.CultureInfo.InvariantCulture, out var threads) && threads >= 1)
        {
            EngineParallelism.DefaultMaxDegreeOfParallelism = threads;
        }

        return EngineParallelism.DefaultMaxDegreeOfParallelism;
    }
}
