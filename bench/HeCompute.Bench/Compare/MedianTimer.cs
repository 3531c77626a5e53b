using System.Diagnostics;

namespace HeCompute.Bench.Compare;

/// <summary>Repetition counts of the Stopwatch protocol for one ring degree.</summary>
/// <param name="Warmup">Untimed calls first (at least; see <see cref="MedianTimer.MinWarmup"/>).</param>
/// <param name="Calls">Timed calls; the median of their durations is reported.</param>
public readonly record struct Repetitions(int Warmup, int Calls)
{
    /// <summary>Warm-up calls as a fraction of the timed calls (at least 3), as in the node-seal runner.</summary>
    public const double WarmupFraction = 0.1;

    /// <summary>
    /// The anchors' and the node-seal runner's counts: 300 timed calls at N=8192 and 100 at N=16384, or 20 and 10
    /// with <paramref name="quick"/>; warm-up max(3, ⌈calls × 0.1⌉).
    /// </summary>
    public static Repetitions For(int n, bool quick)
    {
        var calls = (n <= 8192, quick) switch
        {
            (true, false) => 300,
            (false, false) => 100,
            (true, true) => 20,
            (false, true) => 10,
        };
        return new Repetitions(Math.Max(3, (int)Math.Ceiling(calls * WarmupFraction)), calls);
    }
}

/// <summary>
/// The node-seal runner's protocol in C#: <see cref="Repetitions.Warmup"/> untimed calls, then
/// <see cref="Repetitions.Calls"/> calls each timed on its own, and the median duration in microseconds.
/// </summary>
/// <remarks>
/// The warm-up also lasts at least <see cref="MinWarmup"/>: .NET compiles a method first without optimisation and
/// recompiles it optimised only after 30 calls and a background delay, so a few calls are not enough to reach
/// steady state (a 3-call warm-up made some ops look twice as slow as they are).
/// </remarks>
public static class MedianTimer
{
    /// <summary>Shortest warm-up, whatever the call count.</summary>
    public static readonly TimeSpan MinWarmup = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Median µs per call of <paramref name="body"/>: wall-clock time, or with <paramref name="threadCpuTime"/> the
    /// calling thread's CPU time (<see cref="ThreadCpuClock"/>).
    /// </summary>
    public static double MedianMicroseconds(Action body, Repetitions repetitions, bool threadCpuTime = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        var warmupStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < repetitions.Warmup || Stopwatch.GetElapsedTime(warmupStart) < MinWarmup; i++)
        {
            body();
        }

        var samples = new double[repetitions.Calls];
        for (var i = 0; i < samples.Length; i++)
        {
            if (threadCpuTime)
            {
                var cpuStart = ThreadCpuClock.NowMicroseconds();
                body();
                samples[i] = ThreadCpuClock.NowMicroseconds() - cpuStart;
            }
            else
            {
                var start = Stopwatch.GetTimestamp();
                body();
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        return Median(samples);
    }

    /// <summary>Median of the values (mean of the middle two for an even count); sorts in place.</summary>
    public static double Median(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException("No samples.", nameof(values));
        }

        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
