using System.Text.Json;

namespace HeCompute.Contracts;

/// <summary>Lifecycle of a job.</summary>
public enum JobState
{
    /// <summary>Waiting to run.</summary>
    Queued,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished with results.</summary>
    Succeeded,

    /// <summary>Finished with an error (see <see cref="JobResponse.Error"/>).</summary>
    Failed,

    /// <summary>Cancelled on request.</summary>
    Cancelled,
}

/// <summary>One result object of a job (a SEAL-format ciphertext, for instance), downloadable by name.</summary>
public sealed record JobResultResponse(string Name, string Sha256, long Bytes);

/// <summary>A job.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Kind">Handler kind, e.g. <c>predict-batch</c>, <c>statistics</c>.</param>
/// <param name="State">Current state.</param>
/// <param name="Progress">Fraction done, 0 to 1.</param>
/// <param name="ProgressMessage">What the handler last said it was doing.</param>
/// <param name="Attempts">How many times it was started (more than 1 after a resume).</param>
/// <param name="Error">Why it failed, or how it was cancelled.</param>
/// <param name="Results">Result objects (after success).</param>
/// <param name="Output">Small JSON output of the handler (after success).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="StartedAt">When it last started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="ExpiresAt">When its results are purged.</param>
public sealed record JobResponse(
    string Id,
    string Kind,
    JobState State,
    double Progress,
    string? ProgressMessage,
    int Attempts,
    string? Error,
    IReadOnlyList<JobResultResponse> Results,
    JsonElement? Output,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? ExpiresAt);

/// <summary>A list of jobs, newest first.</summary>
public sealed record JobListResponse(IReadOnlyList<JobResponse> Items);
