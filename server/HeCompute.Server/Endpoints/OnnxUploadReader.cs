using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Predictions;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Reads the multipart body of <c>POST /v1/models/onnx</c>: the ONNX file in part <c>onnx</c> and the JSON
/// <see cref="OnnxImportRequest"/> in part <c>options</c>, both read into memory under the model size limit.
/// </summary>
public static class OnnxUploadReader
{
    private const int MaxOptionsBytes = 1 << 20;

    /// <summary>Reads the body.</summary>
    /// <exception cref="DomainException">415, 413 or 400 with the reason.</exception>
    public static async Task<OnnxUpload> ReadAsync(HttpRequest request, long maxModelBytes, CancellationToken cancellationToken)
    {
        var reader = MultipartFormReader.Open(
            request, maxModelBytes + MaxOptionsBytes + 65536,
            $"Upload an ONNX model as multipart/form-data with parts '{OnnxImportParts.Onnx}' (the file) and '{OnnxImportParts.Options}' (JSON).");
        byte[]? onnx = null;
        byte[]? options = null;
        while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is (var name, var body))
        {
            switch (name)
            {
                case OnnxImportParts.Onnx:
                    onnx = await MultipartFormReader.ReadBytesAsync(body, maxModelBytes, "The ONNX file", cancellationToken).ConfigureAwait(false);
                    break;
                case OnnxImportParts.Options:
                    options = await MultipartFormReader.ReadBytesAsync(body, MaxOptionsBytes, "The options", cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw DomainErrors.MalformedUpload($"Unknown part '{name}'; expected '{OnnxImportParts.Onnx}' and '{OnnxImportParts.Options}'.");
            }
        }

        if (onnx is null || options is null)
        {
            throw DomainErrors.Invalid(
                $"Both parts are required: '{OnnxImportParts.Onnx}' (the ONNX file) and '{OnnxImportParts.Options}' (JSON import options).");
        }

        OnnxImportRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<OnnxImportRequest>(options, HeComputeJson.Options);
        }
        catch (JsonException ex)
        {
            throw DomainErrors.Invalid($"options: not a valid OnnxImportRequest JSON object ({ex.Message}).");
        }

        return parsed is null ? throw DomainErrors.Invalid("options: a JSON object is required.") : new OnnxUpload(onnx, parsed);
    }
}
