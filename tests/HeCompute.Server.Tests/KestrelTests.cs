using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
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

        using var admin = new HttpClient { BaseAddress = uri };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeComputeFactory.AdminKey);
        var tenant = await (await admin.PostAsJsonAsync("/v1/admin/tenants", new CreateTenantRequest("tcp hospital"), HeComputeJson.Options)).ReadAsync<TenantResponse>();
        var key = await (await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant.Id}/keys", new CreateApiKeyRequest("k", [Roles.Hospital, Roles.ModelAdmin, Roles.Auditor]), HeComputeJson.Options))
            .ReadAsync<CreatedApiKeyResponse>();
        using var http = new HttpClient { BaseAddress = uri };
        http.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);

        var model = await ModelTests.RegisterAsync(http, shared: false);
        using var client = new PlanClient(model.Plan);
        using var keyForm = client.KeySetForm();
        var keySet = await Api.UploadAsync(http, keyForm);
        var oracle = BreastCancerModel.Shared;
        var compiled = ModelPlanner.Compile(ModelDocument.Parse(oracle.ModelJson), model.Plan.Parameters.PolyModulusDegree / 2);
        var records = oracle.Records[..5];
        using var body = new ByteArrayContent(client.Encrypt(compiled.Pack(records)));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var predicted = await http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records={records.Length}", body);
        Assert.True(predicted.StatusCode == HttpStatusCode.OK, await predicted.Content.ReadAsStringAsync());
        var result = await predicted.Content.ReadAsByteArrayAsync();
        Assert.Equal(Api.Sha256Hex(result), predicted.Headers.GetValues(PredictProtocol.ResultSha256Header).Single());
        var logits = compiled.Unpack(client.Decrypt(result), records.Length);
        for (var r = 0; r < records.Length; r++)
        {
            Assert.True(Math.Abs(logits[r][0] - oracle.Logits[r]) <= model.Plan.Precision.ExpectedMaxAbsError, $"record {r}: {logits[r][0]} vs {oracle.Logits[r]}");
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
