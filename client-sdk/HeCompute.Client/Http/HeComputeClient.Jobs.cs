using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>Jobs (role <c>hospital</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>This tenant's jobs, newest first.</summary>
    public Task<JobListResponse> ListJobsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<JobListResponse>("v1/jobs", cancellationToken);

    /// <summary>A job's state, progress and results.</summary>
    public Task<JobResponse> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<JobResponse>($"v1/jobs/{Escape(jobId)}", cancellationToken);

    /// <summary>Cancels a queued or running job (409 once it has finished).</summary>
    public async Task<JobResponse> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/jobs/{Escape(jobId)}/cancel");
        return await SendForJsonAsync<JobResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads a result object (SEAL bytes) and checks it against the SHA-256 the job lists.</summary>
    public async Task<byte[]> DownloadJobResultAsync(JobResponse job, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var listed = job.Results.FirstOrDefault(r => r.Name == name)
            ?? throw new HeComputeApiException($"Job {job.Id} has no result named '{name}'; it has: {string.Join(", ", job.Results.Select(r => r.Name))}.");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/jobs/{Escape(job.Id)}/results/{Escape(name)}");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await ReadBytesAsync(response, cancellationToken).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        if (!string.Equals(actual, listed.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new HeComputeApiException($"Result '{name}' of job {job.Id} does not match its SHA-256 (got {actual}, the job lists {listed.Sha256}).");
        }

        return bytes;
    }

    /// <summary>
    /// Polls a job until it has finished, reporting each state seen. A job that failed or was cancelled throws a
    /// <see cref="HeComputeApiException"/> with its error; cancelling the token stops waiting, not the job.
    /// </summary>
    public async Task<JobResponse> WaitForJobAsync(string jobId, IProgress<JobResponse>? progress = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var job = await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            progress?.Report(job);
            switch (job.State)
            {
                case JobState.Succeeded:
                    return job;
                case JobState.Failed:
                    throw new HeComputeApiException($"Job {job.Id} ({job.Kind}) failed: {job.Error ?? "no reason given"}");
                case JobState.Cancelled:
                    throw new HeComputeApiException($"Job {job.Id} ({job.Kind}) was cancelled{(job.Error is null ? "" : ": " + job.Error)}");
                default:
                    await Task.Delay(_options.JobPollInterval, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }
}
