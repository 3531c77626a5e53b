using System.Text;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace HeCompute.Server.KeySets;

/// <summary>
/// A multipart/form-data key set upload, each part streamed to a staged blob (hashed and size-checked on the way,
/// never held whole in memory). Disposing deletes whatever was not committed.
/// </summary>
public sealed class KeySetUpload : IDisposable
{
    private const int MaxNameLength = 200;
    private static readonly string[] SecretPartNames = ["secret_key", "secret-key", "secretkey", "sk"];

    private KeySetUpload()
    {
    }

    /// <summary>The binary parts by name.</summary>
    public Dictionary<string, StagedBlob> Parts { get; } = new(StringComparer.Ordinal);

    /// <summary>The optional display name.</summary>
    public string? Name { get; private set; }

    /// <summary>Bytes received in binary parts.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Reads the request body.</summary>
    /// <exception cref="ProblemException">415 for another media type, 413 beyond the limits, 400 for a malformed body or unknown part.</exception>
    public static async Task<KeySetUpload> ReadAsync(HttpRequest request, IBlobStore blobs, LimitsOptions limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(limits);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(
                StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type",
                "Upload a key set as multipart/form-data with parts 'parms', 'public_key', 'relin_keys', 'galois_keys' (SEAL format) and optionally 'name'.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw BadBody("The multipart boundary is missing or longer than 70 characters.");
        }

        if (request.ContentLength > limits.MaxKeySetUploadBytes)
        {
            throw TooLarge($"The upload declares {request.ContentLength} bytes; at most {limits.MaxKeySetUploadBytes} are allowed.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limits.MaxKeySetUploadBytes;
        }

        var upload = new KeySetUpload();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
            while (await NextSectionAsync(reader, cancellationToken).ConfigureAwait(false) is { } section)
            {
                await upload.ReadSectionAsync(section, blobs, limits, cancellationToken).ConfigureAwait(false);
            }

            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    /// <summary>Opens the staged parts for the loader.</summary>
    public IReadOnlyDictionary<string, Func<Stream>> Openers() =>
        Parts.ToDictionary(p => p.Key, p => (Func<Stream>)p.Value.OpenRead, StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var part in Parts.Values)
        {
            part.Dispose();
        }
    }

    private async Task ReadSectionAsync(MultipartSection section, IBlobStore blobs, LimitsOptions limits, CancellationToken cancellationToken)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
            || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
        {
            throw BadBody("Every part needs 'Content-Disposition: form-data; name=\"...\"'.");
        }

        if (SecretPartNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new ProblemException(
                StatusCodes.Status400BadRequest, ProblemTypes.SecretKeyRefused, "A secret key was uploaded",
                $"Part '{name}': the server never accepts a secret key. Keep it on the client; upload only public, relinearization and Galois keys.");
        }

        if (name == KeySetParts.Name)
        {
            Name = await ReadNameAsync(section.Body, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!KeySetParts.Binary.Contains(name))
        {
            throw BadBody($"Unknown part '{name}'; expected {string.Join(", ", KeySetParts.Binary.Select(p => $"'{p}'"))} and optionally '{KeySetParts.Name}'.");
        }

        if (Parts.ContainsKey(name))
        {
            throw BadBody($"Part '{name}' appears twice.");
        }

        var remaining = limits.MaxKeySetUploadBytes - TotalBytes;
        var limit = Math.Min(limits.MaxKeySetPartBytes, remaining);
        StagedBlob staged;
        try
        {
            staged = await blobs.StageAsync(section.Body, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException)
        {
            throw TooLarge(limit == remaining && remaining < limits.MaxKeySetPartBytes
                ? $"The upload is larger than the allowed {limits.MaxKeySetUploadBytes} bytes."
                : $"Part '{name}' is larger than the allowed {limits.MaxKeySetPartBytes} bytes per part.");
        }
        catch (IOException ex)
        {
            throw BadBody($"Part '{name}' ended unexpectedly: the multipart body is truncated or malformed.", ex);
        }

        Parts[name] = staged;
        TotalBytes += staged.Length;
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

    private static async Task<string> ReadNameAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[(MaxNameLength * 4) + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        var name = Encoding.UTF8.GetString(buffer, 0, total).Trim();
        if (total == buffer.Length || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new ProblemException(
                StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid",
                $"The '{KeySetParts.Name}' part must be at most {MaxNameLength} printable characters.");
        }

        return name;
    }

    private static ProblemException BadBody(string detail, Exception? inner = null) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Malformed upload", detail, inner);

    private static ProblemException TooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Payload too large", detail);
}
