using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>ONNX registration over HTTP: a python3-onnx logistic regression predicts sklearn's logits; unsupported operators are named.</summary>
public sealed class OnnxModelTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    private static OnnxFiles Files => OnnxFiles.Shared;

    [Fact]
    public async Task An_onnx_logistic_regression_is_imported_planned_and_predicts_sklearns_logits()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
        using var response = await tenant.Http.PostAsync("/v1/models/onnx", Form(Files.Logistic, Options()));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var model = await response.ReadAsync<ModelResponse>();
        Assert.Equal(("onnx", ModelKinds.LogisticRegression, 30), (model.Source, model.Kind, model.Features));
        Assert.Equal(Api.Sha256Hex(Files.Logistic), model.Sha256);

        // The client packs with the imported document (owner only) and decrypts the server's result.
        var document = ModelDocument.Parse(await tenant.Http.GetStringAsync($"/v1/models/{model.Id}/document"));
        var compiled = ModelPlanner.Compile(document, model.Plan.Parameters.PolyModulusDegree / 2);
        using var client = new PlanClient(model.Plan);
        using var keyForm = client.KeySetForm();
        var keySet = await Api.UploadAsync(tenant.Http, keyForm);
        var count = Math.Min(model.Plan.Input.RecordsPerCiphertext, Files.Records.Length);
        using var body = new ByteArrayContent(client.Encrypt(compiled.Pack(Files.Records[..count])));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var predicted = await tenant.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records={count}", body);
        Assert.True(predicted.StatusCode == HttpStatusCode.OK, await predicted.Content.ReadAsStringAsync());
        var outputs = compiled.Unpack(client.Decrypt(await predicted.Content.ReadAsByteArrayAsync()), count);
        // float32 weights in the ONNX file: the logits differ from sklearn's float64 ones by ~1e-6 besides CKKS noise.
        var bound = model.Plan.Precision.ExpectedMaxAbsError + 1e-4;
        for (var r = 0; r < count; r++)
        {
            Assert.True(Math.Abs(outputs[r][0] - Files.Logits[r]) <= bound, $"record {r}: {outputs[r][0]} vs sklearn {Files.Logits[r]}, bound {bound}");
        }
    }

    [Fact]
    public async Task Unsupported_operators_malformed_files_and_options_get_specific_problems()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.ModelAdmin);
        using (var response = await tenant.Http.PostAsync("/v1/models/onnx", Form(Files.Erf, Options())))
        {
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.InvalidModel);
            var detail = problem.GetProperty("detail").GetString();
            Assert.Contains("'Erf'", detail, StringComparison.Ordinal);
            Assert.Contains("gelu_erf", detail, StringComparison.Ordinal);
        }

        using (var response = await tenant.Http.PostAsync("/v1/models/onnx", Form(Files.Logistic[..(Files.Logistic.Length / 2)], Options())))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.InvalidModel);
        }

        using (var response = await tenant.Http.PostAsync("/v1/models/onnx", Form(Files.Logistic, Options() with { Features = ["only one"] })))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.InvalidModel);
        }

        using (var form = new MultipartFormDataContent { { new ByteArrayContent(Files.Logistic), OnnxImportParts.Onnx, "m.onnx" } })
        using (var response = await tenant.Http.PostAsync("/v1/models/onnx", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        }

        using (var form = new MultipartFormDataContent { { new ByteArrayContent(Files.Logistic), OnnxImportParts.Onnx, "m.onnx" }, { new StringContent("{not json"), OnnxImportParts.Options } })
        using (var response = await tenant.Http.PostAsync("/v1/models/onnx", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        }

        using (var response = await tenant.Http.PostAsync("/v1/models/onnx", new ByteArrayContent(Files.Logistic)))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
        }

        using var hospital = await Factory.NewKeyAsync(tenant.TenantId, Roles.Hospital);
        using (var response = await hospital.Http.PostAsync("/v1/models/onnx", Form(Files.Logistic, Options())))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        Assert.DoesNotContain((await (await tenant.Http.GetAsync("/v1/models")).ReadAsync<ModelListResponse>()).Items, m => m.Owned);
    }

    private static OnnxImportRequest Options() =>
        new("onnx logistic", Files.Features, Kind: ModelKinds.LogisticRegression, Mean: Files.Mean, Scale: Files.Scale, Lower: Files.Lower, Upper: Files.Upper, Outputs: ["benign"]);

    private static MultipartFormDataContent Form(byte[] onnx, OnnxImportRequest options) => new()
    {
        { new ByteArrayContent(onnx), OnnxImportParts.Onnx, "model.onnx" },
        { new StringContent(JsonSerializer.Serialize(options, HeComputeJson.Options)), OnnxImportParts.Options },
    };
}
