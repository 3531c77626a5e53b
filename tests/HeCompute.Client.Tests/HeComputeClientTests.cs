using System.Net;
using HeCompute.Client.Http;
using HeCompute.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace HeCompute.Client.Tests;

public sealed class HeComputeClientTests
{
    private static HeComputeClient Direct(StubHandler handler) =>
        new(new HttpClient(handler), Options.Create(new HeComputeClientOptions { BaseAddress = new Uri("http://hecompute.test/"), ApiKey = "secret-key" }));

    [Fact]
    public async Task ProblemDetailsBecomeTypedExceptions()
    {
        var handler = new StubHandler(_ => StubHandler.Problem(
            HttpStatusCode.BadRequest,
            """{"type":"https://hecompute.dev/problems/insecure-parameters","title":"Insecure parameters","status":400,"detail":"coeff_modulus has 438 bits; at most 218 allowed","errors":{"parms":["too many bits"]}}"""));
        var client = Direct(handler);

        var error = await Assert.ThrowsAsync<HeComputeApiException>(() => client.GetKeySetAsync("ks_1"));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal(ProblemTypes.InsecureParameters, error.Type);
        Assert.Equal("Insecure parameters", error.Title);
        Assert.Equal("coeff_modulus has 438 bits; at most 218 allowed", error.Detail);
        Assert.Equal(["too many bits"], error.Errors["parms"]);
        Assert.Equal(("/v1/keysets/ks_1", "Bearer secret-key"), (handler.Requests[0].Path, handler.Requests[0].Authorization));
    }

    [Fact]
    public async Task ApiKeyRotationCallsTheRotateAndPreviousEndpointsAndReturnsTheNewSecret()
    {
        var key = """{"id":"k1","tenant_id":"t1","name":"lab","roles":["hospital"],"created_at":"2026-01-01T00:00:00Z","revoked_at":null,"expires_at":null,"previous_secret_expires_at":"2026-01-02T00:00:00Z"}""";
        var handler = new StubHandler(
            _ => StubHandler.Json($$"""{"key":{{key}},"secret":"hck_new"}"""),
            _ => StubHandler.Json(key.Replace("\"2026-01-02T00:00:00Z\"", "null", StringComparison.Ordinal)));
        var client = Direct(handler);

        var rotated = await client.RotateApiKeyAsync("k1", overlapSeconds: 60);
        Assert.Equal("hck_new", rotated.Secret);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), rotated.Key.PreviousSecretExpiresAt);
        var ended = await client.RevokePreviousApiKeySecretAsync("k1");
        Assert.Null(ended.PreviousSecretExpiresAt);
        Assert.Equal((HttpMethod.Post, "/v1/admin/keys/k1/rotate?overlap_seconds=60"), (handler.Requests[0].Method, handler.Requests[0].Path));
        Assert.Equal((HttpMethod.Delete, "/v1/admin/keys/k1/previous"), (handler.Requests[1].Method, handler.Requests[1].Path));
    }

    [Fact]
    public async Task KeySetUploadSendsTheExpiryPart()
    {
        string? body = null;
        var client = Direct(new StubHandler(request =>
        {
            body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return StubHandler.Json("""{"id":"ks_1","name":null,"parms_id":"00","poly_modulus_degree":8192,"coeff_modulus_bits":[60],"parts":[],"has_public_key":false,"has_relin_keys":false,"galois_elements":[],"total_bytes":0,"created_at":"2026-01-01T00:00:00Z","expires_at":"2026-03-01T00:00:00Z","expired":false}""");
        }));
        var expiresAt = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        using var upload = new KeySetUpload(new MemoryStream([1, 2, 3]), ExpiresAt: expiresAt);
        var response = await client.UploadKeySetAsync(upload);
        Assert.Equal(expiresAt, response.ExpiresAt);
        Assert.Contains(KeySetParts.ExpiresAt, body, StringComparison.Ordinal);
        Assert.Contains("2026-03-01T00:00:00.0000000+00:00", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelRegistrationSendsTheKeyPresetBudgetAndWideningAndGetsTheRefusalTyped()
    {
        string? body = null;
        var client = Direct(new StubHandler(request =>
        {
            body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return StubHandler.Problem(
                HttpStatusCode.UnprocessableEntity,
                """{"type":"https://hecompute.dev/problems/model-not-plannable","title":"Model not plannable","status":422,"detail":"No rotation layout fits a Galois-key budget of 1000 bytes"}""");
        }));
        using var document = System.Text.Json.JsonDocument.Parse("""{"format":"hecompute-model"}""");
        var request = new RegisterModelRequest("m", document.RootElement.Clone(), WidenIntervals: true, KeyPreset: KeyPresets.SmallestKeys, KeyBudgetBytes: 1000);
        var error = await Assert.ThrowsAsync<HeComputeApiException>(() => client.RegisterModelAsync(request));
        Assert.Equal(ProblemTypes.ModelNotPlannable, error.Type);
        Assert.Contains("\"key_preset\":\"smallest-keys\"", body, StringComparison.Ordinal);
        Assert.Contains("\"key_budget_bytes\":1000", body, StringComparison.Ordinal);
        Assert.Contains("\"widen_intervals\":true", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonProblemErrorsAndMalformedAnswersStillGiveClearErrors()
    {
        var client = Direct(new StubHandler(
            _ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("upstream down") },
            _ => StubHandler.Json("{not json")));
        var gateway = await Assert.ThrowsAsync<HeComputeApiException>(() => client.GetMeAsync());
        Assert.Equal(HttpStatusCode.BadGateway, gateway.Status);
        Assert.Equal("upstream down", gateway.Detail);

        var malformed = await Assert.ThrowsAsync<HeComputeApiException>(() => client.GetMeAsync());
        Assert.Contains("WhoAmIResponse", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictionResultsAreCheckedAgainstTheAnnouncedHash()
    {
        var client = Direct(new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) };
            response.Headers.Add(PredictProtocol.ResultSha256Header, new string('a', 64));
            return response;
        }));
        var error = await Assert.ThrowsAsync<HeComputeApiException>(() => client.PredictAsync("m", "ks", 1, new MemoryStream([9])));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedAnswersAreRefusedBeforeBeingRead()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[4096]) });
        var client = new HeComputeClient(new HttpClient(handler), Options.Create(new HeComputeClientOptions { BaseAddress = new Uri("http://hecompute.test/"), MaxResponseBytes = 1024 }));
        var error = await Assert.ThrowsAsync<HeComputeApiException>(() => client.GetDatasetPublicKeyAsync("d"));
        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResilienceRetriesReadsButNeverPosts()
    {
        var handler = new StubHandler(
            _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            _ => StubHandler.Json("""{"tenant_id":"t","key_id":"k","roles":["hospital"]}"""),
            _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var services = new ServiceCollection();
        services.AddHeComputeClient(o => o.BaseAddress = new Uri("http://hecompute.test/"))
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        services.PostConfigureAll<HttpStandardResilienceOptions>(o => o.Retry.Delay = TimeSpan.FromMilliseconds(1));
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<HeComputeClient>();

        var me = await client.GetMeAsync();
        Assert.Equal("t", me.TenantId);
        Assert.Equal(2, handler.Requests.Count);

        await Assert.ThrowsAsync<HeComputeApiException>(() => client.AppendDatasetBatchAsync("d", 1, new MemoryStream([1])));
        Assert.Equal(3, handler.Requests.Count);
    }
}
