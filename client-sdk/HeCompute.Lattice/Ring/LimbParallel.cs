namespace HeCompute.Lattice.Ring;

/// <summary>Runs independent per-prime work across cores; RNS limbs never share state, so no locking is needed.</summary>
internal static class LimbParallel
{
    /// <summary>Below this many coefficients in total, thread hand-off costs more than it saves.</summary>
    private const int MinWordsForParallel = 1 << 14;

    /// <summary>Runs <paramref name="body"/> for every limb, within the caller's <see cref="EngineParallelism"/> budget.</summary>
    public static void For(int limbs, int n, Action<int> body)
    {
        var options = EngineParallelism.Options;
        if (limbs < 2 || (long)limbs * n < MinWordsForParallel || options.MaxDegreeOfParallelism < 2)
        {
            for (var i = 0; i < limbs; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, limbs, options, body);
    }
}
