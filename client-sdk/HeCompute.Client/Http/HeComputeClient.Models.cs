using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>Models and encrypted predictions.</summary>
public sealed partial class HeComputeClient
{
    /// <summary>Registers a model in HeCompute's JSON format (<c>POST /v1/models</c>, role <c>model-admin</c>).</summary>
    public Task<ModelResponse> RegisterModelAsync(RegisterModelRequest request, CancellationToken cancellationToken = default) =>
        PostJsonAsync<RegisterModelRequest, ModelResponse>("v1/models", request, cancellationToken);

    /// <summary>Imports an ONNX model (<c>POST /v1/models/onnx</c>, role <c>model-admin</c>).</summary>
    public async Task<ModelResponse> ImportOnnxModelAsync(Stream onnx, OnnxImportRequest options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(onnx);
        file.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        form.Add(file, OnnxImportParts.Onnx, "model.onnx");
        form.Add(JsonContent.Create(options, options: HeComputeJson.Options), OnnxImportParts.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/models/onnx") { Content = form };
        return await SendForJsonAsync<ModelResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Models this tenant may use (its own and shared ones).</summary>
    public Task<ModelListResponse> ListModelsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<ModelListResponse>("v1/models", cancellationToken);

    /// <summary>A model with its plan.</summary>
    public Task<ModelResponse> GetModelAsync(string modelId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ModelResponse>($"v1/models/{Escape(modelId)}", cancellationToken);

    /// <summary>
    /// Evaluates a model on one input ciphertext (<c>POST /v1/models/{id}/predict</c>); the answer is the result
    /// ciphertext, verified against the SHA-256 header. Not retried: a prediction is a POST.
    /// </summary>
    public async Task<PredictResponse> PredictAsync(string modelId, string keySetId, int records, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var path = $"v1/models/{Escape(modelId)}/predict?{PredictProtocol.KeySetId}={Escape(keySetId)}&{PredictProtocol.Records}={Invariant(records)}";
        var content = new StreamContent(ciphertext);
        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await ReadBytesAsync(response, cancellationToken).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var announced = Header(response, PredictProtocol.ResultSha256Header) ?? actual;
        if (!string.Equals(announced, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new HeComputeApiException($"The prediction result does not match the SHA-256 the server announced ({announced}); got {actual}.");
        }

        var resultRecords = int.TryParse(Header(response, PredictProtocol.RecordsHeader), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : records;
        double? computeMs = double.TryParse(Header(response, PredictProtocol.ComputeMillisecondsHeader), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms : null;
        return new PredictResponse(bytes, resultRecords, actual, computeMs);
    }

    /// <summary>
    /// Queues a batch prediction (<c>POST /v1/models/{id}/predict-jobs</c>): one ciphertext per input with its record
    /// count; results are named by <see cref="PredictProtocol.OutputName"/>.
    /// </summary>
    public async Task<JobResponse> SubmitPredictJobAsync(string modelId, string keySetId, IReadOnlyList<(Stream Ciphertext, int Records)> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(keySetId), PredictProtocol.KeySetId },
            { new StringContent(string.Join(',', inputs.Select(i => Invariant(i.Records)))), PredictProtocol.Records },
        };
        for (var i = 0; i < inputs.Count; i++)
        {
            var part = new StreamContent(inputs[i].Ciphertext);
            part.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
            form.Add(part, PredictProtocol.Input, $"input-{i:D4}.seal");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/models/{Escape(modelId)}/predict-jobs") { Content = form };
        return await SendForJsonAsync<JobResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
