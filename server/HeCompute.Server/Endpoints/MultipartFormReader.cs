using System.Text;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// The one reader of <c>multipart/form-data</c> uploads: checks the media type and boundary, lowers the request's body
/// limit before anything is read, and yields named parts, refusing a malformed structure, a part without a name and
/// a part that appears twice (unless it may repeat). Every refusal is a <see cref="DomainException"/>.
/// </summary>
public sealed class MultipartFormReader
{
    private readonly MultipartReader _reader;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly IReadOnlyCollection<string> _repeatable;

    private MultipartFormReader(MultipartReader reader, IReadOnlyCollection<string> repeatable)
    {
        _reader = reader;
        _repeatable = repeatable;
    }

    /// <summary>Starts reading <paramref name="request"/>'s body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxBodyBytes">Largest body accepted.</param>
    /// <param name="usage">What the 415 answer tells the client to send.</param>
    /// <param name="repeatable">Part names that may appear more than once.</param>
    /// <exception cref="DomainException">415 for another media type, 413 for a declared length over the limit, 400 for a bad boundary.</exception>
    public static MultipartFormReader Open(HttpRequest request, long maxBodyBytes, string usage, IReadOnlyCollection<string>? repeatable = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw DomainErrors.UnsupportedMediaType(usage);
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            throw DomainErrors.MalformedUpload("The multipart boundary is missing or longer than 70 characters.");
        }

        if (request.ContentLength > maxBodyBytes)
        {
            throw DomainErrors.PayloadTooLarge($"The upload declares {request.ContentLength} bytes; at most {maxBodyBytes} are allowed.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBodyBytes;
        }

        return new MultipartFormReader(
            new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 }, repeatable ?? []);
    }

    /// <summary>The next part (its body must be read before asking for the next), or null at the end.</summary>
    /// <exception cref="DomainException">400 for a malformed body, a part without a form-data name, or a repeated part.</exception>
    public async Task<(string Name, Stream Body)?> NextAsync(CancellationToken cancellationToken)
    {
        MultipartSection? section;
        try
        {
            section = await _reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw DomainErrors.MalformedUpload("The multipart body is truncated or malformed.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw DomainErrors.MalformedUpload("The multipart body is malformed: " + ex.Message, ex);
        }

        if (section is null)
        {
            return null;
        }

        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
            || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
        {
            throw DomainErrors.MalformedUpload("Every part needs 'Content-Disposition: form-data; name=\"...\"'.");
        }

        if (!_seen.Add(name) && !_repeatable.Contains(name))
        {
            throw DomainErrors.MalformedUpload($"Part '{name}' appears twice.");
        }

        return (name, section.Body);
    }

    /// <summary>Reads a part into memory.</summary>
    /// <exception cref="DomainException">413 beyond <paramref name="maxBytes"/>, 400 for a truncated body.</exception>
    public static async Task<byte[]> ReadBytesAsync(Stream body, long maxBytes, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw DomainErrors.PayloadTooLarge($"{what} is larger than the {maxBytes} bytes allowed.");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException ex)
        {
            throw Truncated(what, ex);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a short text part as UTF-8, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadTextAsync(Stream body, int maxBytes, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new byte[maxBytes + 1];
        var total = 0;
        int read;
        try
        {
            while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }
        }
        catch (IOException ex)
        {
            throw Truncated(what, ex);
        }

        return total > maxBytes ? null : Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>Streams a part to a staged blob (hashed and size-checked on the way, never held whole in memory).</summary>
    /// <param name="body">The part's body.</param>
    /// <param name="blobs">The blob store.</param>
    /// <param name="limit">Largest part accepted.</param>
    /// <param name="what">Names the part in a truncation refusal.</param>
    /// <param name="tooLarge">The 413 detail beyond <paramref name="limit"/>.</param>
    /// <param name="cancellationToken">Aborts the upload.</param>
    public static async Task<StagedBlob> StageAsync(Stream body, IBlobStore blobs, long limit, string what, string tooLarge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        try
        {
            return await blobs.StageAsync(body, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException)
        {
            throw DomainErrors.PayloadTooLarge(tooLarge);
        }
        catch (IOException ex)
        {
            throw Truncated(what, ex);
        }
    }

    private static DomainException Truncated(string what, Exception inner) =>
        DomainErrors.MalformedUpload($"{what} ended unexpectedly: the multipart body is truncated or malformed.", inner);
}
