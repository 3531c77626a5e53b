using System.Net;
using System.Net.Http.Headers;
using HeCompute.Analytics.Models;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>The real server on Kestrel, on a free loopback port, driven over TCP by a plain HttpClient (no TestServer).</summary>
public sealed class KestrelTests
{
    [Fact]
    public async Task A_hospital_registers_uploads_keys_and_predicts_over_loopback_tcp()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        var uri = factory.StartOnLoopback();
        Assert.Equal(IPAddress.Loopback.ToString(), uri.Host);
        Assert.NotEqual(0, uri.Port);

        using var anonymous = new HttpClient { BaseAddress = uri };
        using (var ready = await anonymous.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var http = await Api.TenantClientAsync(uri, "tcp hospital", Roles.Hospital, Roles.ModelAdmin, Roles.Auditor);
        using var prediction = await BreastCancerPrediction.PrepareAsync(http);
        using var body = new ByteArrayContent(prediction.Input);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var predicted = await http.PostAsync(prediction.Url, body);
        Assert.True(predicted.StatusCode == HttpStatusCode.OK, await predicted.Content.ReadAsStringAsync());
        var result = await predicted.Content.ReadAsByteArrayAsync();
        Assert.Equal(Api.Sha256Hex(result), predicted.Headers.GetValues(PredictProtocol.ResultSha256Header).Single());
        var logits = prediction.Compiled.Unpack(prediction.Client.Decrypt(result), prediction.Records.Length);
        var oracle = BreastCancerModel.Shared;
        for (var r = 0; r < prediction.Records.Length; r++)
        {
            Assert.True(Math.Abs(logits[r][0] - oracle.Logits[r]) <= prediction.Model.Plan.Precision.ExpectedMaxAbsError, $"record {r}: {logits[r][0]} vs {oracle.Logits[r]}");
        }

        // Errors come back as problem details over the wire as well, and the calls are in the audit log.
        using (var missing = await http.GetAsync("/v1/keysets/ks_missing"))
        {
            await Api.AssertProblemAsync(missing, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        var audit = AuditChain.ReadJsonLines(new StringReader(await http.GetStringAsync("/v1/audit"))).ToList();
        Assert.Contains(audit, e => e.Action == "predict.create" && e.Status == 200);
        Assert.True(AuditChain.Verify(audit).Valid);
    }
}
