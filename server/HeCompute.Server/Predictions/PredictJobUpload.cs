using System.Globalization;
using System.Text;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace HeCompute.Server.Predictions;

/// <summary>
/// The multipart body of <c>POST /v1/models/{id}/predict-jobs</c>: text parts <c>keyset_id</c> and <c>records</c>, and
/// one file part <c>input</c> per ciphertext, each streamed to a staged blob under the plan's size bound. Disposing
/// deletes whatever was not committed.
/// </summary>
public sealed class PredictJobUpload : IDisposable
{
    private const int MaxTextPartBytes = 64 * 1024;

    private PredictJobUpload()
    {
    }

    /// <summary>The key set id part.</summary>
    public string? KeySetId { get; private set; }

    /// <summary>The records part, parsed (null when absent).</summary>
    public IReadOnlyList<int>? Records { get; private set; }

    /// <summary>The staged input ciphertexts, in order.</summary>
    public List<StagedBlob> Inputs { get; } = [];

    /// <summary>Reads the body.</summary>
    /// <exception cref="ProblemException">415, 413 or 400 with the reason.</exception>
    public static async Task<PredictJobUpload> ReadAsync(
        HttpRequest request, IBlobStore blobs, long maxInputBytes, int maxInputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(blobs);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(
                StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type",
                $"Submit a prediction job as multipart/form-data with parts '{PredictProtocol.KeySetId}', '{PredictProtocol.Records}' and one '{PredictProtocol.Input}' per ciphertext.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw BadBody("The multipart boundary is missing or longer than 70 characters.");
        }

        var maxBody = (maxInputBytes * maxInputs) + (2 * MaxTextPartBytes) + 65536;
        if (request.ContentLength > maxBody)
        {
            throw TooLarge($"The upload declares {request.ContentLength} bytes; at most {maxBody} are allowed ({maxInputs} inputs of {maxInputBytes} bytes).");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBody;
        }

        var upload = new PredictJobUpload();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
            while (await NextSectionAsync(reader, cancellationToken).ConfigureAwait(false) is { } section)
            {
                await upload.ReadSectionAsync(section, blobs, maxInputBytes, maxInputs, cancellationToken).ConfigureAwait(false);
            }

            if (upload.Inputs.Count == 0)
            {
                throw Invalid($"At least one '{PredictProtocol.Input}' part (a SEAL ciphertext) is required.");
            }

            if (upload.Records is { } records && records.Count != upload.Inputs.Count)
            {
                throw Invalid($"'{PredictProtocol.Records}' lists {records.Count} counts for {upload.Inputs.Count} inputs.");
            }

            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var input in Inputs)
        {
            input.Dispose();
        }
    }

    private async Task ReadSectionAsync(MultipartSection section, IBlobStore blobs, long maxInputBytes, int maxInputs, CancellationToken cancellationToken)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
            || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
        {
            throw BadBody("Every part needs 'Content-Disposition: form-data; name=\"...\"'.");
        }

        switch (name)
        {
            case PredictProtocol.KeySetId:
                KeySetId = (await ReadTextAsync(section.Body, name, cancellationToken).ConfigureAwait(false)).Trim();
                break;
            case PredictProtocol.Records:
                Records = ParseRecords(await ReadTextAsync(section.Body, name, cancellationToken).ConfigureAwait(false));
                break;
            case PredictProtocol.Input:
                if (Inputs.Count == maxInputs)
                {
                    throw TooLarge($"A prediction job takes at most {maxInputs} inputs.");
                }

                try
                {
                    Inputs.Add(await blobs.StageAsync(section.Body, maxInputBytes, cancellationToken).ConfigureAwait(false));
                }
                catch (PayloadTooLargeException)
                {
                    throw TooLarge($"Input {Inputs.Count} is larger than the {maxInputBytes} bytes the plan allows.");
                }
                catch (IOException ex)
                {
                    throw BadBody($"Input {Inputs.Count} ended unexpectedly: the multipart body is truncated or malformed.", ex);
                }

                break;
            default:
                throw BadBody($"Unknown part '{name}'; expected '{PredictProtocol.KeySetId}', '{PredictProtocol.Records}' and '{PredictProtocol.Input}'.");
        }
    }

    private static List<int> ParseRecords(string text)
    {
        var counts = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw Invalid($"'{PredictProtocol.Records}' must be comma-separated positive integers, one per input.");
            }

            counts.Add(count);
        }

        return counts;
    }

    private static async Task<string> ReadTextAsync(Stream body, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxTextPartBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        if (total > MaxTextPartBytes)
        {
            throw Invalid($"The '{name}' part is longer than {MaxTextPartBytes} bytes.");
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw BadBody("The multipart body is truncated or malformed.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw BadBody("The multipart body is malformed: " + ex.Message, ex);
        }
    }

    private static ProblemException Invalid(string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid", detail);

    private static ProblemException BadBody(string detail, Exception? inner = null) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Malformed upload", detail, inner);

    private static ProblemException TooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Payload too large", detail);
}
