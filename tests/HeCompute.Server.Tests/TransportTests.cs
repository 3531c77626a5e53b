using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HeCompute.Server.Tests;

/// <summary>Security headers on every answer, no-store on secret-bearing ones, HSTS outside Development, and an OpenAPI
/// <c>servers</c> entry that comes from configuration, never from the request's Host header.</summary>
public sealed class TransportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff", $"{what}: nosniff");
        Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", $"{what}: frame");
        Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", $"{what}: referrer");
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single() == SecurityHeaders.ApiContentSecurityPolicy, $"{what}: csp");
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: no-store");
    }

    [Fact]
    public async Task Every_kind_of_answer_carries_the_security_headers()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using var anonymous = Factory.Client(null);

        using (var live = await anonymous.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            AssertSecurityHeaders(live, "health");
        }

        using (var me = await tenant.Http.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            AssertSecurityHeaders(me, "api");
        }

        using (var unauthorized = await anonymous.GetAsync("/v1/me"))
        {
            await Api.AssertProblemAsync(unauthorized, HttpStatusCode.Unauthorized);
            AssertSecurityHeaders(unauthorized, "401");
        }

        using (var missing = await tenant.Http.GetAsync("/v1/keysets/ks_doesnotexist"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            AssertSecurityHeaders(missing, "404");
        }

        using (var malformed = await tenant.Http.PostAsync("/v1/models", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True((int)malformed.StatusCode is >= 400 and < 500, malformed.StatusCode.ToString());
            AssertSecurityHeaders(malformed, "error");
        }
    }

    [Fact]
    public async Task A_created_api_key_is_never_cached()
    {
        using var admin = Factory.Admin();
        var tenant = await (await admin.PostAsJsonAsync("/v1/admin/tenants", new CreateTenantRequest("no-store"), HeComputeJson.Options)).ReadAsync<TenantResponse>();
        using var response = await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant.Id}/keys", new CreateApiKeyRequest("k", [Roles.Hospital]), HeComputeJson.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>(HeComputeJson.Options);
        Assert.False(string.IsNullOrEmpty(created!.Secret));
        Assert.True(response.Headers.CacheControl?.NoStore == true, "the answer that carries the secret is no-store");
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        AssertSecurityHeaders(response, "created key");
    }

    [Fact]
    public async Task Https_answers_carry_hsts_outside_development_only()
    {
        using (var https = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://hecompute.example") }))
        using (var response = await https.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        }

        using (var plain = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://hecompute.example") }))
        using (var response = await plain.GetAsync("/health/live"))
        {
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is only meaningful over HTTPS");
        }

        await using var development = Factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var devClient = development.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://hecompute.example") });
        using var devResponse = await devClient.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, devResponse.StatusCode);
        Assert.False(devResponse.Headers.Contains("Strict-Transport-Security"), "no HSTS in Development");
    }

    [Fact]
    public async Task A_forged_host_header_does_not_reach_the_openapi_servers()
    {
        using (var forged = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://attacker.example") }))
        {
            forged.DefaultRequestHeaders.Host = "attacker.example";
            var text = await forged.GetStringAsync("/openapi/v1.json");
            Assert.DoesNotContain("attacker.example", text, StringComparison.OrdinalIgnoreCase);
            using var document = JsonDocument.Parse(text);
            Assert.True(!document.RootElement.TryGetProperty("servers", out var servers) || servers.GetArrayLength() == 0, text[..200]);
        }

        using var directory = new TempDirectory();
        var configured = new HeComputeFactory(directory.Path, new Dictionary<string, string?> { ["HeCompute:PublicBaseUrl"] = "https://api.hecompute.example/" });
        await using (configured.ConfigureAwait(true))
        {
            using var forged = configured.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://attacker.example") });
            var text = await forged.GetStringAsync("/openapi/v1.json");
            Assert.DoesNotContain("attacker.example", text, StringComparison.OrdinalIgnoreCase);
            using var document = JsonDocument.Parse(text);
            var server = Assert.Single(document.RootElement.GetProperty("servers").EnumerateArray());
            Assert.Equal("https://api.hecompute.example", server.GetProperty("url").GetString());
        }
    }
}
