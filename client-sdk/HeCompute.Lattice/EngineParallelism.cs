namespace HeCompute.Lattice;

/// <summary>
/// How many threads one engine operation may use to process its RNS limbs, and on which scheduler. A host that runs
/// several computations at once (the server's compute scheduler) gives each its share of the cores with
/// <see cref="Enter"/>, so K concurrent computations never become K × cores work items on the shared thread pool.
/// </summary>
/// <remarks>
/// The setting is ambient and flows with the execution context (<see cref="AsyncLocal{T}"/>): it holds for the
/// calling code, for what it awaits and for the tasks it starts, and for no other computation.
/// </remarks>
public static class EngineParallelism
{
    private static readonly AsyncLocal<ParallelOptions?> Current = new();
    private static ParallelOptions _default = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>
    /// Threads per operation where no <see cref="Enter"/> scope applies (default: the processor count); 1 makes every
    /// operation single-threaded.
    /// </summary>
    public static int DefaultMaxDegreeOfParallelism
    {
        get => _default.MaxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _default = new ParallelOptions { MaxDegreeOfParallelism = value };
        }
    }

    /// <summary>Threads per operation for the calling context.</summary>
    public static int MaxDegreeOfParallelism => Options.MaxDegreeOfParallelism;

    internal static ParallelOptions Options => Current.Value ?? _default;

    /// <summary>
    /// Limits engine operations started from the calling context to <paramref name="maxDegreeOfParallelism"/> threads,
    /// run on <paramref name="scheduler"/> (the default scheduler when null), until the returned scope is disposed.
    /// </summary>
    /// <param name="maxDegreeOfParallelism">Threads one operation may use, at least 1.</param>
    /// <param name="scheduler">Where the limb work runs; a host passes its dedicated compute threads.</param>
    /// <returns>A scope that restores the previous setting when disposed.</returns>
    public static Scope Enter(int maxDegreeOfParallelism, TaskScheduler? scheduler = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        var previous = Current.Value;
        Current.Value = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
            TaskScheduler = scheduler ?? TaskScheduler.Default,
        };
        return new Scope(previous);
    }

    /// <summary>Restores the setting that was in force before <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ParallelOptions? _previous;

        internal Scope(ParallelOptions? previous) => _previous = previous;

        /// <summary>Restores the previous setting.</summary>
        public void Dispose() => Current.Value = _previous;
    }
}
