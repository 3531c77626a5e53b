using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>A registration whose document holds a number that reads as infinite or huge is a 422 problem, never a 500.</summary>
public sealed class ModelDocumentNumbersHttpTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("\"sharpness\":1e999", "layers[1].sharpness")]
    [InlineData("\"sharpness\":-1e999", "layers[1].sharpness")]
    [InlineData("\"weights\":[[1e300,1]]", "layers[0].weights[0][0]")]
    [InlineData("\"weights\":[[1,-1e999]]", "layers[0].weights[0][1]")]
    public async Task A_non_finite_or_huge_number_in_a_model_document_is_an_invalid_model_problem(string field, string named)
    {
        using var admin = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        var weights = field.StartsWith("\"weights\"", StringComparison.Ordinal) ? field : "\"weights\":[[1,1]]";
        var sharpness = field.StartsWith("\"sharpness\"", StringComparison.Ordinal) ? field : "\"sharpness\":1";
        var json = $$"""
            {"format":"hecompute-model","formatVersion":1,"kind":"mlp","input":{"features":["a","b"]},
             "layers":[{"type":"dense",{{weights}}},
                       {"type":"activation","function":"smooth-relu","lower":-4,"upper":4,"degree":7,{{sharpness}}}]}
            """;
        using var document = JsonDocument.Parse(json);
        using var response = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("numbers", document.RootElement), HeComputeJson.Options);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.InvalidModel);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
