using System.Net.Http.Headers;
using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>Evaluation key sets (role <c>hospital</c>).</summary>
public sealed partial class HeComputeClient
{
    /// <summary>Uploads evaluation keys (<c>POST /v1/keysets</c>, multipart with the parts of <see cref="KeySetParts"/>).</summary>
    public async Task<KeySetResponse> UploadKeySetAsync(KeySetUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        using var form = new MultipartFormDataContent();
        AddPart(form, KeySetParts.Parms, upload.Parms);
        AddPart(form, KeySetParts.PublicKey, upload.PublicKey);
        AddPart(form, KeySetParts.RelinKeys, upload.RelinKeys);
        AddPart(form, KeySetParts.GaloisKeys, upload.GaloisKeys);
        if (upload.Name is { } name)
        {
            form.Add(new StringContent(name), KeySetParts.Name);
        }

        if (upload.ExpiresAt is { } expiresAt)
        {
            form.Add(new StringContent(expiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), KeySetParts.ExpiresAt);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/keysets") { Content = form };
        return await SendForJsonAsync<KeySetResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists this tenant's key sets.</summary>
    public Task<KeySetListResponse> ListKeySetsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<KeySetListResponse>("v1/keysets", cancellationToken);

    /// <summary>A key set's metadata.</summary>
    public Task<KeySetResponse> GetKeySetAsync(string keySetId, CancellationToken cancellationToken = default) =>
        GetJsonAsync<KeySetResponse>($"v1/keysets/{Escape(keySetId)}", cancellationToken);

    /// <summary>Deletes a key set and its stored keys.</summary>
    public async Task DeleteKeySetAsync(string keySetId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"v1/keysets/{Escape(keySetId)}");
        await SendForNothingAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static void AddPart(MultipartFormDataContent form, string name, Stream? content)
    {
        if (content is null)
        {
            return;
        }

        var part = new StreamContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        form.Add(part, name, name + ".seal");
    }
}
