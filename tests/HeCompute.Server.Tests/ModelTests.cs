using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Analytics.Models;
using HeCompute.Contracts;
using HeCompute.Analytics.Planning;
using HeCompute.Protocol.Models;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>Models and predictions through HTTP, against sklearn's logits of a logistic regression on the breast-cancer data.</summary>
public sealed class ModelTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    private static BreastCancerModel Oracle => BreastCancerModel.Shared;

    [Fact]
    public async Task A_hospital_predicts_synchronously_and_as_a_job_and_gets_sklearns_logits()
    {
        using var admin = await Factory.NewTenantAsync(Roles.ModelAdmin);
        using var hospital = await Factory.NewKeyAsync(admin.TenantId, Roles.Hospital);
        var model = await RegisterAsync(admin.Http, shared: false);
        Assert.True(model.Owned);
        Assert.Equal(ModelKinds.LogisticRegression, model.Kind);
        // The registered bytes are the document as the request carried it (System.Text.Json writes it compact).
        Assert.Equal(Api.Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(Oracle.ModelJson).RootElement)), model.Sha256);
        var plan = await hospital.Http.GetFromJsonAsync<PlanDocument>($"/v1/models/{model.Id}/plan", HeComputeJson.Options);
        Assert.Equal(JsonSerializer.Serialize(model.Plan, HeComputeJson.Options), JsonSerializer.Serialize(plan, HeComputeJson.Options));

        using var client = new PlanClient(model.Plan);
        using var keyForm = client.KeySetForm();
        var keySet = await Api.UploadAsync(hospital.Http, keyForm);
        var compiled = ModelPlanner.Compile(ModelDocument.Parse(Oracle.ModelJson), model.Plan.Parameters.PolyModulusDegree / 2);
        var perCiphertext = Math.Min(model.Plan.Input.RecordsPerCiphertext, 20);
        var first = Oracle.Records[..perCiphertext];
        var second = Oracle.Records[perCiphertext..(2 * perCiphertext)];

        using var body = new ByteArrayContent(client.Encrypt(compiled.Pack(first)));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await hospital.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records={first.Length}", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Api.Sha256Hex(result), response.Headers.GetValues(PredictProtocol.ResultSha256Header).Single());
        Assert.Equal(first.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues(PredictProtocol.RecordsHeader).Single());
        AssertLogits(model.Plan, compiled, client.Decrypt(result), 0, first.Length);

        using var form = new MultipartFormDataContent
        {
            { new StringContent(keySet.Id), PredictProtocol.KeySetId },
            { new StringContent($"{first.Length},{second.Length}"), PredictProtocol.Records },
        };
        form.Add(new ByteArrayContent(client.Encrypt(compiled.Pack(first))), PredictProtocol.Input, "a.seal");
        form.Add(new ByteArrayContent(client.Encrypt(compiled.Pack(second))), PredictProtocol.Input, "b.seal");
        using var submitted = await hospital.Http.PostAsync($"/v1/models/{model.Id}/predict-jobs", form);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = await submitted.ReadAsync<JobResponse>();
        Assert.Equal(PredictProtocol.BatchJobKind, job.Kind);
        var done = await Api.WaitForJobAsync(hospital.Http, job.Id, j => j.State is JobState.Succeeded or JobState.Failed, timeoutSeconds: 120);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal([PredictProtocol.OutputName(0), PredictProtocol.OutputName(1)], done.Results.Select(r => r.Name).ToArray());
        var output1 = await hospital.Http.GetByteArrayAsync($"/v1/jobs/{job.Id}/results/{PredictProtocol.OutputName(1)}");
        AssertLogits(model.Plan, compiled, client.Decrypt(output1), perCiphertext, second.Length);

        // The audit log holds the hashes of what went in and out, never the payloads.
        using var auditor = await Factory.NewKeyAsync(admin.TenantId, Roles.Auditor);
        var audit = AuditChain.ReadJsonLines(new StringReader(await auditor.Http.GetStringAsync("/v1/audit"))).ToList();
        var predict = Assert.Single(audit, e => e.Action == "predict.create");
        Assert.Contains(Api.Sha256Hex(result), predict.BodiesOut);
        Assert.Equal(model.Plan.Parameters.ParmsId, predict.ParmsId);
        Assert.Contains(keySet.Id, predict.ObjectIds);
    }

    [Fact]
    public async Task Bad_inputs_get_specific_problems_and_the_server_stays_healthy()
    {
        using var admin = await Factory.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
        var model = await RegisterAsync(admin.Http, shared: false);
        using var client = new PlanClient(model.Plan);
        using var keyForm = client.KeySetForm();
        var keySet = await Api.UploadAsync(admin.Http, keyForm);
        var url = $"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}";
        var good = client.Encrypt([0.1, 0.2]);

        async Task ExpectAsync(HttpContent content, HttpStatusCode status, string type, string? path = null)
        {
            using (content)
            using (var response = await admin.Http.PostAsync(path ?? url, content))
            {
                await Api.AssertProblemAsync(response, status, type);
            }
        }

        static ByteArrayContent Octets(byte[] bytes)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return content;
        }

        await ExpectAsync(new ByteArrayContent(good), HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
        await ExpectAsync(Octets(good[..(good.Length / 2)]), HttpStatusCode.BadRequest, ProblemTypes.MalformedSealObject);
        await ExpectAsync(Octets([.. "not a ciphertext"u8]), HttpStatusCode.BadRequest, ProblemTypes.MalformedSealObject);
        await ExpectAsync(Octets(client.SecretKeyBytes), HttpStatusCode.BadRequest, ProblemTypes.SecretKeyRefused);
        await ExpectAsync(Octets(new byte[CiphertextLimit(model.Plan) + 1]), HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        await ExpectAsync(Octets(good), HttpStatusCode.BadRequest, ProblemTypes.Validation, url + "&records=0");
        await ExpectAsync(Octets(good), HttpStatusCode.BadRequest, ProblemTypes.Validation, $"/v1/models/{model.Id}/predict");
        await ExpectAsync(Octets(good), HttpStatusCode.NotFound, ProblemTypes.NotFound, $"/v1/models/{model.Id}/predict?keyset_id=ks_00000000000000000000000000000000");

        // A key set of other parameters, and one without the planned Galois keys.
        using var otherForm = Api.FullKeySet(KeyMaterial.Shared);
        var other = await Api.UploadAsync(admin.Http, otherForm);
        await ExpectAsync(Octets(good), HttpStatusCode.BadRequest, ProblemTypes.ParmsMismatch, $"/v1/models/{model.Id}/predict?keyset_id={other.Id}");
        using var noGalois = Api.KeySetForm((KeySetParts.Parms, client.ParmsBytes), (KeySetParts.PublicKey, client.PublicKeyBytes));
        var partial = await Api.UploadAsync(admin.Http, noGalois);
        if (model.Plan.Keys.GaloisSteps.Count > 0)
        {
            using var missing = Octets(good);
            using var response = await admin.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={partial.Id}", missing);
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MissingKey);
            Assert.Contains($"step {model.Plan.Keys.GaloisSteps[0]}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // A model the planner cannot use, and malformed registrations.
        var bad = JsonDocument.Parse("""{"format":"hecompute-model","formatVersion":1,"kind":"logistic-regression","input":{"features":["a"]},"layers":[{"type":"dense","weights":[[1,2]]}]}""").RootElement;
        using (var response = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("bad", bad), HeComputeJson.Options))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.InvalidModel);
        }

        using (var response = await admin.Http.PostAsync("/v1/models", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using (var anonymous = Factory.Client(null))
        using (var response = await anonymous.PostAsync(url, Octets(good)))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        }

        using (var hospitalOnly = await Factory.NewKeyAsync(admin.TenantId, Roles.Hospital))
        using (var response = await hospitalOnly.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("x", bad), HeComputeJson.Options))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        using var healthy = await Factory.Client(null).GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task Other_tenants_see_shared_models_but_never_their_weights_and_nothing_of_private_ones()
    {
        using var owner = await Factory.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
        using var stranger = await Factory.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
        var privateModel = await RegisterAsync(owner.Http, shared: false);
        var sharedModel = await RegisterAsync(owner.Http, shared: true);

        foreach (var path in new[] { "", "/plan", "/document" })
        {
            using var response = await stranger.Http.GetAsync($"/v1/models/{privateModel.Id}{path}");
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var response = await stranger.Http.PostAsync($"/v1/models/{privateModel.Id}/predict?keyset_id=x", new ByteArrayContent([1])))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var response = await stranger.Http.DeleteAsync($"/v1/models/{sharedModel.Id}"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var response = await stranger.Http.GetAsync($"/v1/models/{sharedModel.Id}/document"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        var seen = await (await stranger.Http.GetAsync("/v1/models")).ReadAsync<ModelListResponse>();
        Assert.Contains(seen.Items, m => m.Id == sharedModel.Id && !m.Owned);
        Assert.DoesNotContain(seen.Items, m => m.Id == privateModel.Id);
        Assert.Equal(sharedModel.Plan.Parameters.ParmsId, (await stranger.Http.GetFromJsonAsync<PlanDocument>($"/v1/models/{sharedModel.Id}/plan", HeComputeJson.Options))!.Parameters.ParmsId);

        var document = await owner.Http.GetStringAsync($"/v1/models/{privateModel.Id}/document");
        Assert.Equal(ModelDocument.Parse(Oracle.ModelJson).ToJson(), document);
        using (var deleted = await owner.Http.DeleteAsync($"/v1/models/{privateModel.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await owner.Http.GetAsync($"/v1/models/{privateModel.Id}"))
        {
            await Api.AssertProblemAsync(gone, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using var tenantAdmin = await Factory.NewKeyAsync(owner.TenantId, Roles.TenantAdmin);
        var erasure = await (await tenantAdmin.Http.DeleteAsync("/v1/tenant/data?confirm=" + owner.TenantId)).ReadAsync<TenantErasureResponse>();
        Assert.Equal(1, erasure.Models);
        Assert.DoesNotContain((await (await stranger.Http.GetAsync("/v1/models")).ReadAsync<ModelListResponse>()).Items, m => m.Id == sharedModel.Id);
    }

    internal static async Task<ModelResponse> RegisterAsync(HttpClient http, bool shared)
    {
        var document = JsonDocument.Parse(Oracle.ModelJson).RootElement;
        using var response = await http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("breast cancer", document, shared), HeComputeJson.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync<ModelResponse>();
    }

    private static long CiphertextLimit(PlanDocument plan) => (2 * plan.Sizes.InputCiphertextBytes) + 65536;

    internal static void AssertLogits(PlanDocument plan, IEncryptedModel compiled, double[] slots, int offset, int count)
    {
        var outputs = compiled.Unpack(slots, count);
        for (var r = 0; r < count; r++)
        {
            var expected = Oracle.Logits[offset + r];
            Assert.True(
                Math.Abs(outputs[r][0] - expected) <= plan.Precision.ExpectedMaxAbsError,
                $"record {offset + r}: {outputs[r][0]} vs sklearn {expected}, bound {plan.Precision.ExpectedMaxAbsError}");
            Assert.Equal(Oracle.Classes[offset + r], outputs[r][0] > 0 ? 1 : 0);
        }
    }
}
