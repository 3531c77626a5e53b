using System.Runtime.InteropServices;

namespace HeCompute.Bench.Compare;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): time the thread actually ran,
/// without the time it waited for a core. On a machine shared with other work this is close to what a call costs on
/// a quiet machine, for single-threaded work (run the engine with <c>--threads 1</c>, or work on other threads is not
/// counted).
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether the clock is available (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The calling thread's CPU time, in microseconds.</summary>
    public static double NowMicroseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * 1e6) + (time.Nanoseconds / 1e3);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
