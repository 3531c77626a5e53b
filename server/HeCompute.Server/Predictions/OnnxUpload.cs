using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace HeCompute.Server.Predictions;

/// <summary>
/// The multipart body of <c>POST /v1/models/onnx</c>: the ONNX file in part <c>onnx</c> and the JSON
/// <see cref="OnnxImportRequest"/> in part <c>options</c>, both read into memory under the model size limit.
/// </summary>
/// <param name="Onnx">The ONNX bytes.</param>
/// <param name="Options">The import options.</param>
public sealed record OnnxUpload(byte[] Onnx, OnnxImportRequest Options)
{
    private const int MaxOptionsBytes = 1 << 20;

    /// <summary>Reads the body.</summary>
    /// <exception cref="ProblemException">415, 413 or 400 with the reason.</exception>
    public static async Task<OnnxUpload> ReadAsync(HttpRequest request, long maxModelBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(
                StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type",
                $"Upload an ONNX model as multipart/form-data with parts '{OnnxImportParts.Onnx}' (the file) and '{OnnxImportParts.Options}' (JSON).");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw BadBody("The multipart boundary is missing or longer than 70 characters.");
        }

        var maxBody = maxModelBytes + MaxOptionsBytes + 65536;
        if (request.ContentLength > maxBody)
        {
            throw TooLarge($"The upload declares {request.ContentLength} bytes; at most {maxBody} are allowed.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBody;
        }

        byte[]? onnx = null;
        byte[]? options = null;
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    throw BadBody("Every part needs 'Content-Disposition: form-data; name=\"...\"'.");
                }

                switch (name)
                {
                    case OnnxImportParts.Onnx:
                        onnx = await ReadPartAsync(section.Body, maxModelBytes, "The ONNX file", cancellationToken).ConfigureAwait(false);
                        break;
                    case OnnxImportParts.Options:
                        options = await ReadPartAsync(section.Body, MaxOptionsBytes, "The options", cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        throw BadBody($"Unknown part '{name}'; expected '{OnnxImportParts.Onnx}' and '{OnnxImportParts.Options}'.");
                }
            }
        }
        catch (IOException ex)
        {
            throw BadBody("The multipart body is truncated or malformed.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw BadBody("The multipart body is malformed: " + ex.Message, ex);
        }

        if (onnx is null || options is null)
        {
            throw Invalid($"Both parts are required: '{OnnxImportParts.Onnx}' (the ONNX file) and '{OnnxImportParts.Options}' (JSON import options).");
        }

        OnnxImportRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<OnnxImportRequest>(options, HeComputeJson.Options);
        }
        catch (JsonException ex)
        {
            throw Invalid($"options: not a valid OnnxImportRequest JSON object ({ex.Message}).");
        }

        return parsed is null ? throw Invalid("options: a JSON object is required.") : new OnnxUpload(onnx, parsed);
    }

    private static async Task<byte[]> ReadPartAsync(Stream body, long maxBytes, string what, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge($"{what} is larger than the {maxBytes} bytes allowed.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemException Invalid(string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid", detail);

    private static ProblemException BadBody(string detail, Exception? inner = null) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Malformed upload", detail, inner);

    private static ProblemException TooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Payload too large", detail);
}
