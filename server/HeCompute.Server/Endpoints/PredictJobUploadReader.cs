using System.Globalization;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Predictions;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Reads the multipart body of <c>POST /v1/models/{id}/predict-jobs</c>: text parts <c>keyset_id</c> and
/// <c>records</c>, and one file part <c>input</c> per ciphertext, each streamed to a staged blob under the plan's size bound.
/// </summary>
public static class PredictJobUploadReader
{
    private const int MaxTextPartBytes = 64 * 1024;
    private static readonly string[] Repeatable = [PredictProtocol.Input];

    /// <summary>Reads the body.</summary>
    /// <exception cref="DomainException">415, 413 or 400 with the reason.</exception>
    public static async Task<PredictJobUpload> ReadAsync(
        HttpRequest request, IBlobStore blobs, long maxInputBytes, int maxInputs, CancellationToken cancellationToken)
    {
        var reader = MultipartFormReader.Open(
            request, (maxInputBytes * maxInputs) + (2 * MaxTextPartBytes) + 65536,
            $"Submit a prediction job as multipart/form-data with parts '{PredictProtocol.KeySetId}', '{PredictProtocol.Records}' and one '{PredictProtocol.Input}' per ciphertext.",
            Repeatable);
        var upload = new PredictJobUpload();
        try
        {
            while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is (var name, var body))
            {
                switch (name)
                {
                    case PredictProtocol.KeySetId:
                        upload.KeySetId = (await ReadTextAsync(body, name, cancellationToken).ConfigureAwait(false)).Trim();
                        break;
                    case PredictProtocol.Records:
                        upload.Records = ParseRecords(await ReadTextAsync(body, name, cancellationToken).ConfigureAwait(false));
                        break;
                    case PredictProtocol.Input:
                        if (upload.Inputs.Count == maxInputs)
                        {
                            throw DomainErrors.PayloadTooLarge($"A prediction job takes at most {maxInputs} inputs.");
                        }

                        upload.Inputs.Add(await MultipartFormReader.StageAsync(
                            body, blobs, maxInputBytes, $"Input {upload.Inputs.Count}",
                            $"Input {upload.Inputs.Count} is larger than the {maxInputBytes} bytes the plan allows.", cancellationToken).ConfigureAwait(false));
                        break;
                    default:
                        throw DomainErrors.MalformedUpload(
                            $"Unknown part '{name}'; expected '{PredictProtocol.KeySetId}', '{PredictProtocol.Records}' and '{PredictProtocol.Input}'.");
                }
            }

            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    private static List<int> ParseRecords(string text)
    {
        var counts = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw DomainErrors.Invalid($"'{PredictProtocol.Records}' must be comma-separated positive integers, one per input.");
            }

            counts.Add(count);
        }

        return counts;
    }

    private static async Task<string> ReadTextAsync(Stream body, string name, CancellationToken cancellationToken) =>
        await MultipartFormReader.ReadTextAsync(body, MaxTextPartBytes, $"Part '{name}'", cancellationToken).ConfigureAwait(false)
            ?? throw DomainErrors.Invalid($"The '{name}' part is longer than {MaxTextPartBytes} bytes.");
}
