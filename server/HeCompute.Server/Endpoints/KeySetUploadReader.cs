using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.KeySets;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Endpoints;

/// <summary>Reads a key set upload (multipart/form-data) into a <see cref="KeySetUpload"/>, each binary part streamed to a staged blob.</summary>
public static class KeySetUploadReader
{
    private const int MaxNameLength = 200;

    /// <summary>Reads the request body.</summary>
    /// <exception cref="DomainException">415 for another media type, 413 beyond the limits, 400 for a malformed body, an unknown part or a secret key.</exception>
    public static async Task<KeySetUpload> ReadAsync(HttpRequest request, IBlobStore blobs, LimitsOptions limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var reader = MultipartFormReader.Open(
            request, limits.MaxKeySetUploadBytes,
            "Upload a key set as multipart/form-data with parts 'parms', 'public_key', 'relin_keys', 'galois_keys' (SEAL format) and optionally 'name', 'expires_at'.");
        var upload = new KeySetUpload();
        try
        {
            long total = 0;
            while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is (var name, var body))
            {
                SecretKeyGuard.RefuseSecretPartName(name);
                if (name == KeySetParts.Name)
                {
                    upload.Name = await ReadNameAsync(body, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (name == KeySetParts.ExpiresAt)
                {
                    upload.ExpiresAt = await ReadExpiryAsync(body, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!KeySetParts.Binary.Contains(name))
                {
                    throw DomainErrors.MalformedUpload(
                        $"Unknown part '{name}'; expected {string.Join(", ", KeySetParts.Binary.Select(p => $"'{p}'"))} and optionally '{KeySetParts.Name}', '{KeySetParts.ExpiresAt}'.");
                }

                var remaining = limits.MaxKeySetUploadBytes - total;
                var limit = Math.Min(limits.MaxKeySetPartBytes, remaining);
                var tooLarge = limit == remaining && remaining < limits.MaxKeySetPartBytes
                    ? $"The upload is larger than the allowed {limits.MaxKeySetUploadBytes} bytes."
                    : $"Part '{name}' is larger than the allowed {limits.MaxKeySetPartBytes} bytes per part.";
                var staged = await MultipartFormReader.StageAsync(body, blobs, limit, $"Part '{name}'", tooLarge, cancellationToken).ConfigureAwait(false);
                upload.Parts[name] = staged;
                total += staged.Length;
            }

            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    private static async Task<DateTimeOffset> ReadExpiryAsync(Stream body, CancellationToken cancellationToken)
    {
        var text = await MultipartFormReader.ReadTextAsync(body, 64, $"Part '{KeySetParts.ExpiresAt}'", cancellationToken).ConfigureAwait(false);
        return DateTimeOffset.TryParse(text?.Trim(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var expiresAt)
            ? expiresAt
            : throw DomainErrors.Invalid($"The '{KeySetParts.ExpiresAt}' part must be an ISO 8601 date and time, e.g. 2027-06-30T00:00:00Z.");
    }

    private static async Task<string> ReadNameAsync(Stream body, CancellationToken cancellationToken)
    {
        var text = await MultipartFormReader.ReadTextAsync(body, MaxNameLength * 4, $"Part '{KeySetParts.Name}'", cancellationToken).ConfigureAwait(false);
        var name = text?.Trim();
        if (name is null || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw DomainErrors.Invalid($"The '{KeySetParts.Name}' part must be at most {MaxNameLength} printable characters.");
        }

        return name;
    }
}
