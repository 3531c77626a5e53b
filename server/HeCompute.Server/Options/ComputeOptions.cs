namespace HeCompute.Server.Options;

/// <summary>
/// The compute scheduler (<c>HeCompute:Compute</c>): how many computations run at once, how many threads each may use
/// for the engine's limb parallelism, and how many may wait. <see cref="Workers"/> × <see cref="ThreadsPerItem"/> is
/// the core budget; it may not exceed the processor count, so compute never oversubscribes the machine.
/// </summary>
public sealed class ComputeOptions
{
    /// <summary>Computations run at once, each on its own dedicated thread. Default: one per 4 processors, at least 1.</summary>
    public int Workers { get; set; } = DefaultWorkers;

    /// <summary>
    /// Threads one computation may use (its worker plus limb helpers). Default: the processors divided among the
    /// workers (2 processors: 1 worker × 2 threads; 16: 4 × 4).
    /// </summary>
    public int ThreadsPerItem { get; set; } = Environment.ProcessorCount / DefaultWorkers;

    /// <summary>Computations that may wait for a worker; beyond it work is refused at once (503 <c>compute-busy</c>). Default 64.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>
    /// Items one tenant may hold queued or running at once; beyond it that tenant's work is refused at once (429
    /// <c>tenant-share-exceeded</c>) while other tenants still get in. Default 16.
    /// </summary>
    public int MaxItemsPerTenant { get; set; } = 16;

    private static int DefaultWorkers => Math.Max(1, Environment.ProcessorCount / 4);
}
