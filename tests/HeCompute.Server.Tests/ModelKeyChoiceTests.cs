using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Predictions;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>
/// <c>key_preset</c> and <c>key_budget_bytes</c> reach the planner through registration: the plan's <c>key_choice</c>
/// says what was chosen among which alternatives, a prediction with exactly the planned keys succeeds within the bound
/// also after the compiled circuit is rebuilt from the stored plan (the rebuilt circuit uses the planned layout, not
/// the fastest), a budget below every layout is <c>model-not-plannable</c>, and an unknown preset or a non-positive
/// budget is a validation problem.
/// </summary>
public sealed class ModelKeyChoiceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_smallest_keys_plan_predicts_with_exactly_its_keys_after_the_circuit_is_rebuilt()
    {
        using var admin = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        using var hospital = await fixture.Factory.NewKeyAsync(admin.TenantId, Roles.Hospital);
        var document = CnnMemoryTests.Cnn(0);
        var model = await RegisterAsync(admin.Http, new RegisterModelRequest("smallest", document.ToJsonElement(), PrecisionBits: 10, KeyPreset: KeyPresets.SmallestKeys));
        var choice = model.Plan.KeyChoice!;
        Assert.Equal(KeyPresets.SmallestKeys, choice.Preset);
        Assert.True(choice.Alternatives.Count > 1, "a CNN has more than one rotation layout");
        Assert.Equal(choice.Alternatives.Min(a => a.GaloisKeysBytes), choice.Chosen.GaloisKeysBytes);
        Assert.Equal(model.Plan.Keys.GaloisSteps, choice.Chosen.GaloisSteps);
        Assert.True(model.Plan.Sizes.GaloisKeysBytes < choice.Alternatives.Max(a => a.GaloisKeysBytes));

        // Rebuilt from the stored document and plan, as after a restart.
        fixture.Factory.Services.GetRequiredService<CompiledModelCache>().Evict(model.Id);
        var compiled = Assert.IsType<CnnModel>(ModelPlanner.Compile(document, model.Plan));
        using var client = new PlanClient(model.Plan);
        using var form = client.KeySetForm();
        var keySet = await Api.UploadAsync(hospital.Http, form);
        var random = new Random(5);
        var images = Enumerable.Range(0, 2).Select(_ => (IReadOnlyList<double>)[.. Enumerable.Range(0, 64).Select(_ => random.NextDouble())]).ToArray();
        using var body = new ByteArrayContent(client.Encrypt(compiled.Pack(images)));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await hospital.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records={images.Length}", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var outputs = compiled.Unpack(client.Decrypt(await response.Content.ReadAsByteArrayAsync()), images.Length);
        for (var i = 0; i < images.Length; i++)
        {
            var expected = compiled.EvaluatePlain(document.Input.Standardize(images[i]));
            for (var c = 0; c < expected.Length; c++)
            {
                Assert.True(Math.Abs(outputs[i][c] - expected[c]) <= model.Plan.Precision.ExpectedMaxAbsError, $"image {i}, output {c}");
            }
        }
    }

    [Fact]
    public async Task A_budget_picks_within_it_and_one_below_every_layout_or_a_bad_preset_is_refused()
    {
        using var admin = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        var document = CnnMemoryTests.Cnn(1).ToJsonElement();
        var fastest = await RegisterAsync(admin.Http, new RegisterModelRequest("fastest", document, PrecisionBits: 10, KeyPreset: KeyPresets.Fastest));
        var alternatives = fastest.Plan.KeyChoice!.Alternatives;
        var smallest = alternatives.Min(a => a.GaloisKeysBytes);
        var budgeted = await RegisterAsync(admin.Http, new RegisterModelRequest("budget", document, PrecisionBits: 10, KeyBudgetBytes: smallest));
        Assert.Equal(smallest, budgeted.Plan.KeyChoice!.KeyBudgetBytes);
        Assert.Equal(smallest, budgeted.Plan.Sizes.GaloisKeysBytes);

        using var tooSmall = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("tiny", document, PrecisionBits: 10, KeyBudgetBytes: smallest - 1), HeComputeJson.Options);
        var problem = await Api.AssertProblemAsync(tooSmall, HttpStatusCode.UnprocessableEntity, ProblemTypes.ModelNotPlannable);
        Assert.Contains($"needs {smallest} bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unknown = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("unknown", document, KeyPreset: "tiny"), HeComputeJson.Options);
        Assert.Contains("key_preset", (await Api.AssertProblemAsync(unknown, HttpStatusCode.BadRequest, ProblemTypes.Validation)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var negative = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("negative", document, KeyBudgetBytes: 0), HeComputeJson.Options);
        Assert.Contains("key_budget_bytes", (await Api.AssertProblemAsync(negative, HttpStatusCode.BadRequest, ProblemTypes.Validation)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<ModelResponse> RegisterAsync(HttpClient http, RegisterModelRequest request)
    {
        using var response = await http.PostAsJsonAsync("/v1/models", request, HeComputeJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<ModelResponse>();
    }
}
