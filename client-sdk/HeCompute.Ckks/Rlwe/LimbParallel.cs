namespace HeCompute.Ckks.Rlwe;

/// <summary>Runs independent per-prime work across cores; RNS limbs never share state, so no locking is needed.</summary>
internal static class LimbParallel
{
    /// <summary>Below this many coefficients in total, thread hand-off costs more than it saves.</summary>
    private const int MinWordsForParallel = 1 << 14;

    private static ParallelOptions _options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>Most threads one operation uses; 1 makes every operation single-threaded (benchmarks compare both).</summary>
    public static int MaxDegreeOfParallelism
    {
        get => _options.MaxDegreeOfParallelism;
        set => _options = new ParallelOptions { MaxDegreeOfParallelism = value };
    }

    public static void For(int limbs, int n, Action<int> body)
    {
        if (limbs < 2 || (long)limbs * n < MinWordsForParallel || MaxDegreeOfParallelism < 2)
        {
            for (var i = 0; i < limbs; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, limbs, _options, body);
    }
}
