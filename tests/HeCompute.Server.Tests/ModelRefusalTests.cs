using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Errors;
using HeCompute.Server.Predictions;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>
/// Registrations the planner refuses get their specific 422 problems, never a 500: an activation declared on an
/// interval its inputs leave (a degree-7 sigmoid on [−1, 1] fed up to ±3.5) is refused naming the layer and both
/// intervals, or widened when asked (and the plan says so); a degree-15 sigmoid on a small interval registers; a model
/// too deep for any ring is <c>model-not-plannable</c>. Every refusal the model pipeline raises maps to a 4xx type.
/// </summary>
public sealed class ModelRefusalTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string NarrowSigmoid = """
        {"format":"hecompute-model","formatVersion":1,"kind":"mlp","input":{"features":["a","b"],"lower":[-1,-1],"upper":[1,1]},
         "layers":[{"type":"dense","weights":[[1.75,1.75],[1.75,-1.75]],"bias":[0,0]},
                   {"type":"activation","function":"sigmoid","lower":-1,"upper":1,"degree":7},
                   {"type":"dense","weights":[[1,-1]],"bias":[0]}]}
        """;

    [Fact]
    public async Task A_narrow_activation_interval_is_refused_naming_the_layer_and_both_intervals()
    {
        using var admin = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        using var response = await RegisterAsync(admin.Http, NarrowSigmoid, widen: false);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.ActivationIntervalTooNarrow);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("Layer 1 (sigmoid)", detail, StringComparison.Ordinal);
        Assert.Contains("[-3.5, 3.5]", detail, StringComparison.Ordinal);
        Assert.Contains("[-1, 1]", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Widened_on_request_the_plan_lists_the_widening_and_the_stored_document_holds_it()
    {
        using var admin = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        using var response = await RegisterAsync(admin.Http, NarrowSigmoid, widen: true);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var model = (await response.Content.ReadFromJsonAsync<ModelResponse>(HeComputeJson.Options))!;
        var widening = Assert.Single(model.Plan.WidenedIntervals!);
        Assert.Equal((1, "sigmoid", -1.0, 1.0), (widening.Layer, widening.Function, widening.DeclaredLower!.Value, widening.DeclaredUpper!.Value));
        Assert.Equal(3.5, widening.Upper, 12);
        var stored = ModelDocument.Parse(await admin.Http.GetStringAsync($"/v1/models/{model.Id}/document"));
        Assert.Equal(widening.Lower, stored.Layers[1].Lower);
        Assert.Equal(widening.Upper, stored.Layers[1].Upper);
    }

    [Fact]
    public async Task A_degree_15_sigmoid_on_a_small_interval_registers_and_a_model_too_deep_is_not_plannable()
    {
        using var admin = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        var small = NarrowSigmoid.Replace("\"lower\":[-1,-1],\"upper\":[1,1]", "\"lower\":[-0.1,-0.1],\"upper\":[0.1,0.1]", StringComparison.Ordinal)
            .Replace("\"lower\":-1,\"upper\":1,\"degree\":7", "\"lower\":-0.35,\"upper\":0.35,\"degree\":15", StringComparison.Ordinal);
        using (var response = await RegisterAsync(admin.Http, small, widen: false))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        // Eight degree-63 sigmoids (depth 6 each) with dense layers between: far deeper than N = 32768 allows.
        var sigmoid = """{"type":"activation","function":"sigmoid","lower":-4,"upper":4,"degree":63},""";
        var layers = string.Concat(Enumerable.Repeat(sigmoid + """{"type":"dense","weights":[[0.5,0],[0,0.5]]},""", 7)) + sigmoid;
        var deep = NarrowSigmoid.Replace("{\"type\":\"activation\",\"function\":\"sigmoid\",\"lower\":-1,\"upper\":1,\"degree\":7},", layers, StringComparison.Ordinal);
        using var refused = await RegisterAsync(admin.Http, deep, widen: false);
        var problem = await Api.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, ProblemTypes.ModelNotPlannable);
        Assert.Contains("too deep", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The refusals the model pipeline raises (what the analytics fuzz test allows) are each a specific 4xx problem.</summary>
    [Fact]
    public void Every_refusal_of_the_model_pipeline_is_a_specific_client_error()
    {
        var refusals = new (Exception Error, string Type)[]
        {
            (new ModelFormatException("bad"), ProblemTypes.InvalidModel),
            (new ModelPlanningException("deep"), ProblemTypes.ModelNotPlannable),
            (new ActivationIntervalException(1, "sigmoid", -1, 1, -3.5, 3.5), ProblemTypes.ActivationIntervalTooNarrow),
        };
        foreach (var (error, type) in refusals)
        {
            var domain = ModelRefusals.From(error);
            Assert.NotNull(domain);
            var (status, mapped) = ProblemMapper.Of(domain.Kind);
            Assert.Equal((422, type), (status, mapped));
            Assert.Equal(error.Message, domain.Detail);
        }

        Assert.Null(ModelRefusals.From(new InvalidOperationException("a server fault")));
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient http, string json, bool widen)
    {
        using var document = JsonDocument.Parse(json);
        return http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("refusal", document.RootElement.Clone(), PrecisionBits: 10, WidenIntervals: widen), HeComputeJson.Options);
    }
}
