using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using HeCompute.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>Request helpers and problem-details assertions.</summary>
public static class Api
{
    /// <summary>A multipart key set upload with the given parts.</summary>
    public static MultipartFormDataContent KeySetForm(params (string Part, byte[] Bytes)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (part, bytes) in parts)
        {
            if (part == KeySetParts.Name)
            {
                form.Add(new StringContent(System.Text.Encoding.UTF8.GetString(bytes)), part);
            }
            else
            {
                form.Add(new ByteArrayContent(bytes), part, part + ".seal");
            }
        }

        return form;
    }

    /// <summary>The full-form key set of <see cref="KeyMaterial.Shared"/>.</summary>
    public static MultipartFormDataContent FullKeySet(KeyMaterial keys) => KeySetForm(
        (KeySetParts.Parms, keys.Parms), (KeySetParts.PublicKey, keys.PublicKeyFull),
        (KeySetParts.RelinKeys, keys.RelinKeysFull), (KeySetParts.GaloisKeys, keys.GaloisKeysFull));

    /// <summary>Uploads and returns the created key set (asserting 201).</summary>
    public static async Task<KeySetResponse> UploadAsync(HttpClient client, MultipartFormDataContent form)
    {
        using var response = await client.PostAsync("/v1/keysets", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<KeySetResponse>(body, HeComputeJson.Options)!;
    }

    /// <summary>Asserts a problem-details response with the status (and type, if given); returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("title", out _));
        if (type is not null)
        {
            Assert.Equal(type, problem.GetProperty("type").GetString());
        }

        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }

    /// <summary>Reads a JSON body with the API's conventions.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, HeComputeJson.Options)!;
    }

    /// <summary>Polls a job until <paramref name="until"/> holds (or fails after the timeout).</summary>
    public static async Task<JobResponse> WaitForJobAsync(HttpClient client, string jobId, Func<JobResponse, bool> until, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        JobResponse? job = null;
        while (DateTime.UtcNow < deadline)
        {
            job = await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{jobId}", HeComputeJson.Options);
            if (job is not null && until(job))
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {jobId} did not reach the expected state; last seen {job?.State} progress {job?.Progress}.");
    }

    /// <summary>
    /// Creates a tenant and a key with <paramref name="roles"/> through the admin API at <paramref name="uri"/> (a
    /// server on a real socket), and returns a plain HTTP client there that authenticates with that key.
    /// </summary>
    public static async Task<HttpClient> TenantClientAsync(Uri uri, string name, params string[] roles)
    {
        using var admin = new HttpClient { BaseAddress = uri };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeComputeFactory.AdminKey);
        var tenant = await (await admin.PostAsJsonAsync("/v1/admin/tenants", new CreateTenantRequest(name), HeComputeJson.Options)).ReadAsync<TenantResponse>();
        var key = await (await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant.Id}/keys", new CreateApiKeyRequest("k", roles), HeComputeJson.Options))
            .ReadAsync<CreatedApiKeyResponse>();
        var http = new HttpClient { BaseAddress = uri };
        http.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
        return http;
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A stored blob's content as the server reads it (decrypted and verified: files on disk are envelopes).</summary>
    public static async Task<byte[]> StoredBlobAsync(HeComputeFactory factory, string sha256)
    {
        var stream = factory.Services.GetRequiredService<HeCompute.Server.Storage.IBlobStore>().OpenRead(sha256);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }
}
