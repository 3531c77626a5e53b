namespace HeCompute.Server.Compute;

/// <summary>
/// Runs CPU-heavy work (homomorphic evaluation, key and ciphertext validation, planning, compilation) on the server's
/// dedicated compute threads, within its parallelism budget, so request threads never do it.
/// </summary>
public interface IComputeScheduler
{
    /// <summary>
    /// Queues <paramref name="work"/> and completes with its result once a worker has run it. The token handed to
    /// <paramref name="work"/> is cancelled when the caller cancels, when the deadline passes or when the server stops;
    /// the caller is released at that moment even if the work has not yet observed the token.
    /// </summary>
    /// <param name="request">What the work is (for metrics) and its deadline, counted from this call.</param>
    /// <param name="work">The computation; it should check the token it is given between steps.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <exception cref="ComputeQueueFullException">The queue is full: the work is refused at once, not queued.</exception>
    /// <exception cref="ComputeTenantShareExceededException">The request's tenant already holds its share of queued and running items.</exception>
    /// <exception cref="ComputeDeadlineExceededException">The deadline passed before the work finished.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled, or the scheduler is stopping.</exception>
    Task<T> RunAsync<T>(ComputeRequest request, Func<CancellationToken, T> work, CancellationToken cancellationToken);
}

/// <summary>One unit of compute work.</summary>
/// <param name="Kind">
/// What it is, as a metrics tag: <c>predict</c>, <c>predict-batch</c>, <c>statistics</c>, <c>keyset-load</c>,
/// <c>ciphertext-load</c>, <c>dataset-append</c>, <c>model-plan</c>, <c>model-compile</c>, <c>onnx-import</c>, ….
/// </param>
/// <param name="Deadline">The time budget from queueing to result (waiting included); none when null.</param>
/// <param name="TenantId">
/// The tenant the work is for: it counts against that tenant's share (<c>HeCompute:Compute:MaxItemsPerTenant</c>), so one
/// tenant cannot fill the queue. Null for the server's own work, which only the node-wide queue bounds.
/// </param>
public sealed record ComputeRequest(string Kind, TimeSpan? Deadline = null, string? TenantId = null);
