using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace HeCompute.Server.Endpoints;

/// <summary>Reads an <c>application/octet-stream</c> body (one serialized SEAL object) under a per-request size limit.</summary>
public static class OctetStreamBody
{
    /// <summary>The media type of SEAL objects on the wire.</summary>
    public const string MediaType = "application/octet-stream";

    /// <summary>Checks the media type and lowers the request's body limit to <paramref name="maxBytes"/> before anything is read.</summary>
    /// <exception cref="DomainException">415 for another media type, 413 when the declared length exceeds the limit.</exception>
    public static void Prepare(HttpRequest request, long maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, MediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw DomainErrors.UnsupportedMediaType(
                $"Send {what} as '{MediaType}' (SEAL serialization).");
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(what, maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }
    }

    /// <summary>Reads the whole body into memory, refusing more than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, string what, CancellationToken cancellationToken)
    {
        Prepare(request, maxBytes, what);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(what, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Streams the whole body to a staged blob, refusing more than <paramref name="maxBytes"/>.</summary>
    public static async Task<StagedBlob> StageAsync(HttpRequest request, IBlobStore blobs, long maxBytes, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        Prepare(request, maxBytes, what);
        try
        {
            return await blobs.StageAsync(request.Body, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException)
        {
            throw TooLarge(what, maxBytes);
        }
    }

    /// <summary>The 413 refusal for <paramref name="what"/>.</summary>
    public static DomainException TooLarge(string what, long maxBytes) => DomainErrors.PayloadTooLarge(
        $"{what} is larger than the {maxBytes} bytes the plan allows (a fresh ciphertext of these parameters, with margin).");
}
