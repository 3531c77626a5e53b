using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using Microsoft.Extensions.Options;

namespace HeCompute.Client.Http;

/// <summary>
/// Typed access to the HeCompute REST API: one method per endpoint, the API's JSON conventions
/// (<see cref="HeComputeJson.Options"/>), SEAL objects as streams, and every error as a
/// <see cref="HeComputeApiException"/> carrying the server's problem details. It knows nothing of keys or
/// encryption: it moves bytes the caller produced. Register it with
/// <c>services.AddHeComputeClient(...)</c>.
/// </summary>
public sealed partial class HeComputeClient
{
    private const string ProblemMediaType = "application/problem+json";
    private const string OctetStream = "application/octet-stream";
    private readonly HttpClient _http;
    private readonly HeComputeClientOptions _options;

    /// <summary>Creates a client over an <see cref="HttpClient"/> (whose handlers supply resilience).</summary>
    public HeComputeClient(HttpClient http, IOptions<HeComputeClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        if (_options.BaseAddress is { } baseAddress)
        {
            _http.BaseAddress = baseAddress;
        }

        if (_http.BaseAddress is null)
        {
            throw new ArgumentException("HeComputeClientOptions.BaseAddress is not set.", nameof(options));
        }

        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }
    }

    /// <summary>The options this client was created with.</summary>
    public HeComputeClientOptions Options => _options;

    /// <summary>The server address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The caller's tenant, key id and roles (<c>GET /v1/me</c>).</summary>
    public Task<WhoAmIResponse> GetMeAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<WhoAmIResponse>("v1/me", cancellationToken);

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendForJsonAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> PostJsonAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, options: HeComputeJson.Options),
        };
        return await SendForJsonAsync<TResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendForJsonAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendForNothingAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends and returns a successful response (headers read, body not yet); failures throw with the problem details.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            throw new HeComputeApiException(
                $"Cannot reach the HeCompute server at {_http.BaseAddress}: its certificate is not trusted here ({e.InnerException.Message}). A server with the " +
                "certificate it generated prints the fingerprint at start and writes it to tls/server.sha256 in its data directory: pin it " +
                "(HeComputeClientOptions.CertificatePin; hecompute --pin sha256:<hex>, HECOMPUTE_PIN or ~/.hecompute/pin).", e);
        }
        catch (HttpRequestException e)
        {
            throw new HeComputeApiException($"Cannot reach the HeCompute server at {_http.BaseAddress}: {e.Message}", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(response, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, HeComputeJson.Options)
                ?? throw new HeComputeApiException($"The server answered {(int)response.StatusCode} with an empty JSON body where a {typeof(T).Name} was expected.");
        }
        catch (JsonException e)
        {
            throw new HeComputeApiException($"The server's answer is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Reads a body with the <see cref="HeComputeClientOptions.MaxResponseBytes"/> bound, so a misbehaving server cannot exhaust memory.</summary>
    private async Task<byte[]> ReadBytesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new HeComputeApiException($"The server's answer is {declared} bytes; the client accepts at most {limit} (HeComputeClientOptions.MaxResponseBytes).");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new HeComputeApiException($"The server's answer exceeds {limit} bytes (HeComputeClientOptions.MaxResponseBytes).");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static async Task<HeComputeApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        string body;
        try
        {
            body = await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            body = string.Empty;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (body.Length > 0 && (mediaType == ProblemMediaType || mediaType == "application/json"))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return FromProblem(status, document.RootElement);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to the generic description below.
            }
        }

        return new HeComputeApiException(status, "about:blank", response.ReasonPhrase ?? status.ToString(), body.Length == 0 ? null : body);
    }

    private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Problem details are small; anything longer is cut so an error cannot make the client read without bound.
        const int MaxErrorBody = 64 * 1024;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBody];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private static HeComputeApiException FromProblem(HttpStatusCode status, JsonElement problem)
    {
        var type = problem.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "about:blank";
        var title = problem.TryGetProperty("title", out var ti) && ti.ValueKind == JsonValueKind.String ? ti.GetString()! : status.ToString();
        var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        Dictionary<string, string[]>? errors = null;
        if (problem.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
        {
            errors = [];
            foreach (var field in e.EnumerateObject())
            {
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                    ? [.. field.Value.EnumerateArray().Select(m => m.ToString())]
                    : [field.Value.ToString()];
            }
        }

        return new HeComputeApiException(status, type, title, detail, errors);
    }
}
