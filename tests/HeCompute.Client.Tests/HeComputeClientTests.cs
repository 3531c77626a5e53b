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
