using System.Net.Http.Headers;
using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>Joint studies under a collective key (role <c>hospital</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>Creates a study (<c>POST /v1/studies</c>); the caller is party 0.</summary>
    public Task<StudyResponse> CreateStudyAsync(CreateStudyRequest request, CancellationToken cancellationToken = default) =>
        PostJsonAsync<CreateStudyRequest, StudyResponse>("v1/studies", request, cancellationToken);

    /// <summary>A study.</summary>
    public Task<StudyResponse> GetStudyAsync(string studyId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<StudyResponse>($"v1/studies/{Escape(studyId)}", cancellationToken);

    /// <summary>Joins a study.</summary>
    public async Task<StudyResponse> JoinStudyAsync(string studyId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/studies/{Escape(studyId)}/join");
        return await SendForJsonAsync<StudyResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends this participant's share of a round (<see cref="StudyRounds"/>; an RTG share names its Galois element).</summary>
    public Task<StudyShareResponse> SubmitStudyShareAsync(string studyId, string round, byte[] share, uint? element = null, CancellationToken cancellationToken = default) =>
        PostBytesAsync<StudyShareResponse>(
            $"v1/studies/{Escape(studyId)}/rounds/{Escape(round)}/shares" + (element is { } e ? $"?element={Invariant(e)}" : ""), share, cancellationToken);

    /// <summary>A collective key or aggregate (<c>public_key</c>, <c>rkg-1</c>, <c>relin_keys</c>, <c>galois_keys</c>).</summary>
    public Task<byte[]> GetStudyKeyAsync(string studyId, string name, CancellationToken cancellationToken = default) =>
        GetBytesAsync($"v1/studies/{Escape(studyId)}/keys/{Escape(name)}", cancellationToken);

    /// <summary>Appends one ciphertext of records under the collective public key.</summary>
    public Task<DatasetBatchResponse> AppendStudyBatchAsync(string studyId, int records, byte[] ciphertext, CancellationToken cancellationToken = default) =>
        PostBytesAsync<DatasetBatchResponse>($"v1/studies/{Escape(studyId)}/batches?records={Invariant(records)}", ciphertext, cancellationToken);

    /// <summary>Queues the study's statistics job.</summary>
    public Task<JobResponse> RequestStudyStatisticsAsync(string studyId, StatisticsRequest request, CancellationToken cancellationToken = default) =>
        PostJsonAsync<StatisticsRequest, JobResponse>($"v1/studies/{Escape(studyId)}/statistics", request, cancellationToken);

    /// <summary>A statistics job of the study.</summary>
    public Task<JobResponse> GetStudyJobAsync(string studyId, string jobId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<JobResponse>($"v1/studies/{Escape(studyId)}/jobs/{Escape(jobId)}", cancellationToken);

    /// <summary>Asks for the release of one job result to a querier's public key.</summary>
    public Task<StudyReleaseResponse> RequestStudyReleaseAsync(
        string studyId, string jobId, string result, string querierTenantId, byte[] querierPublicKey, CancellationToken cancellationToken = default) =>
        PostBytesAsync<StudyReleaseResponse>(
            $"v1/studies/{Escape(studyId)}/releases?job_id={Escape(jobId)}&result={Escape(result)}&querier={Escape(querierTenantId)}", querierPublicKey, cancellationToken);

    /// <summary>A release.</summary>
    public Task<StudyReleaseResponse> GetStudyReleaseAsync(string studyId, string releaseId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<StudyReleaseResponse>($"v1/studies/{Escape(studyId)}/releases/{Escape(releaseId)}", cancellationToken);

    /// <summary>The result ciphertext (<c>ciphertext</c>) or querier key (<c>querier-key</c>) a decryption share is made for.</summary>
    public Task<byte[]> GetStudyReleaseInputAsync(string studyId, string releaseId, string part, CancellationToken cancellationToken = default) =>
        GetBytesAsync($"v1/studies/{Escape(studyId)}/releases/{Escape(releaseId)}/{Escape(part)}", cancellationToken);

    /// <summary>Approves a release with this participant's decryption share.</summary>
    public Task<StudyShareResponse> SubmitStudyReleaseShareAsync(string studyId, string releaseId, byte[] share, CancellationToken cancellationToken = default) =>
        PostBytesAsync<StudyShareResponse>($"v1/studies/{Escape(studyId)}/releases/{Escape(releaseId)}/shares", share, cancellationToken);

    /// <summary>The released ciphertext (the querier only), under the querier's key.</summary>
    public Task<byte[]> GetStudyReleasedAsync(string studyId, string releaseId, CancellationToken cancellationToken = default) =>
        GetBytesAsync($"v1/studies/{Escape(studyId)}/releases/{Escape(releaseId)}/result", cancellationToken);

    private async Task<T> PostBytesAsync<T>(string path, byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await SendForJsonAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadBytesAsync(response, cancellationToken).ConfigureAwait(false);
    }
}
