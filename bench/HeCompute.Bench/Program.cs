using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using HeCompute.Bench.Compare;
using HeCompute.Bench.EndToEnd;
using Perfolizer.Horology;

namespace HeCompute.Bench;

/// <summary>
/// BenchmarkDotNet benchmarks of the CKKS engine (any BenchmarkDotNet arguments, e.g. <c>--filter '*'</c>), or the
/// node-seal comparison with <c>--seal-compare</c>, the analytics model report with <c>--models</c>, or end-to-end
/// encrypted predictions against the real server with <c>--e2e</c> (<see cref="EndToEndBenchmark.Usage"/>).
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        args = EngineThreads.TakeOption(args);
        if (args.Contains("--seal-compare"))
        {
            return SealCompare.Run(args);
        }

        if (args.Contains("--models"))
        {
            return ModelReport.Run(args);
        }

        if (args.Contains("--keys"))
        {
            return KeyReport.Run(args);
        }

        if (args.Contains("--e2e"))
        {
            return EndToEndBenchmark.Run(args);
        }

        if (args.Contains("--help-compare"))
        {
            Console.WriteLine(SealCompare.Usage);
            return 0;
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, Config(args));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>
    /// Medians in µs and allocated bytes. Without a <c>--job</c> argument, a job of 3 warm-up and 10 measured
    /// iterations of about 500 ms each (BenchmarkDotNet's default iteration time, fewer iterations than its default
    /// job) keeps the whole suite near six minutes.
    /// </summary>
    private static ManualConfig Config(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond))
            .AddColumn(StatisticColumn.Median);
        if (!args.Any(a => a is "--job" or "-j"))
        {
            config.AddJob(Job.Default
                .WithId("HeCompute")
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10));
        }

        return config;
    }
}
