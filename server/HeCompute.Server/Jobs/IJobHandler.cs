namespace HeCompute.Server.Jobs;

/// <summary>
/// Runs jobs of one kind (e.g. <c>predict-batch</c>, <c>statistics</c>). Register with
/// <see cref="JobsServiceCollectionExtensions.AddJobHandler{THandler}"/>; a scope is created per run, so handlers may
/// depend on scoped services.
/// </summary>
public interface IJobHandler
{
    /// <summary>The job kind this handler runs.</summary>
    static abstract string Kind { get; }

    /// <summary>
    /// Whether a run interrupted by a server restart may be started again (the handler then sees
    /// <see cref="JobContext.IsResume"/> and its last <see cref="JobContext.Checkpoint"/>). Otherwise such a job is failed
    /// with a reason.
    /// </summary>
    static abstract bool Resumable { get; }

    /// <summary>
    /// Runs the job. Report progress and add results through <paramref name="context"/>; honour
    /// <paramref name="cancellationToken"/> (cancellation on request and server shutdown). Throw
    /// <see cref="JobFailedException"/> with a reason the tenant may read for expected failures.
    /// </summary>
    Task<JobOutput> ExecuteAsync(JobContext context, CancellationToken cancellationToken);
}
