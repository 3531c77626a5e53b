using System.Net.Http.Headers;
using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>Encrypted datasets and statistics (role <c>hospital</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>Creates a dataset; the answer carries the statistics plan (<c>POST /v1/datasets</c>).</summary>
    public Task<DatasetResponse> CreateDatasetAsync(CreateDatasetRequest request, CancellationToken cancellationToken = default) =>
        PostJsonAsync<CreateDatasetRequest, DatasetResponse>("v1/datasets", request, cancellationToken);

    /// <summary>Datasets this tenant owns or contributes to.</summary>
    public Task<DatasetListResponse> ListDatasetsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<DatasetListResponse>("v1/datasets", cancellationToken);

    /// <summary>A dataset.</summary>
    public Task<DatasetResponse> GetDatasetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<DatasetResponse>($"v1/datasets/{Escape(datasetId)}", cancellationToken);

    /// <summary>Binds the owner's key set to the dataset (<c>PUT /v1/datasets/{id}/keyset</c>).</summary>
    public async Task<DatasetResponse> BindDatasetKeySetAsync(string datasetId, string keySetId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/datasets/{Escape(datasetId)}/keyset")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new BindKeySetRequest(keySetId), options: HeComputeJson.Options),
        };
        return await SendForJsonAsync<DatasetResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lets another tenant append records (<c>POST /v1/datasets/{id}/contributors</c>).</summary>
    public async Task<DatasetResponse> AddDatasetContributorAsync(string datasetId, string tenantId, CancellationToken cancellationToken = default) =>
        await PostJsonAsync<AddContributorRequest, DatasetResponse>($"v1/datasets/{Escape(datasetId)}/contributors", new AddContributorRequest(tenantId), cancellationToken).ConfigureAwait(false);

    /// <summary>The public key of the dataset's key set (SEAL bytes), for contributors to encrypt under.</summary>
    public async Task<byte[]> GetDatasetPublicKeyAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/datasets/{Escape(datasetId)}/public-key");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadBytesAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends one ciphertext of records (<c>POST /v1/datasets/{id}/batches?records=n</c>). Not retried: an append is a POST.</summary>
    public async Task<DatasetBatchResponse> AppendDatasetBatchAsync(string datasetId, int records, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var content = new StreamContent(ciphertext);
        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/datasets/{Escape(datasetId)}/batches?records={Invariant(records)}") { Content = content };
        return await SendForJsonAsync<DatasetBatchResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a statistics job (<c>POST /v1/datasets/{id}/statistics</c>).</summary>
    public Task<JobResponse> RequestStatisticsAsync(string datasetId, StatisticsRequest request, CancellationToken cancellationToken = default) =>
        PostJsonAsync<StatisticsRequest, JobResponse>($"v1/datasets/{Escape(datasetId)}/statistics", request, cancellationToken);
}
