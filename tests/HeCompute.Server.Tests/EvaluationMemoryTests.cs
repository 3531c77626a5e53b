using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Caching;
using HeCompute.Server.KeySets;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>
/// A shared MLP (two dense layers, so its products go through <c>DiagonalMatrix</c>) evaluated with several tenants'
/// key sets of the same parameters: the encoded diagonals are kept once per model and parameter set, and keys and
/// plaintexts together stay within the one byte budget.
/// </summary>
public sealed class EvaluationMemoryTests
{
    private const long Budget = 32L << 20;

    /// <summary>4 features → 4 hidden units (squared) → 1 output; every weight non-zero.</summary>
    internal const string MlpJson = """
        {"format": "hecompute-model", "formatVersion": 1, "kind": "mlp",
         "input": {"features": ["a", "b", "c", "d"], "lower": [-1, -1, -1, -1], "upper": [1, 1, 1, 1]},
         "layers": [
           {"type": "dense", "weights": [[0.5, -0.25, 0.125, 0.3], [-0.4, 0.2, 0.6, -0.1], [0.25, 0.35, -0.5, 0.2], [0.1, -0.3, 0.2, 0.45]], "bias": [0.05, -0.1, 0.0, 0.2]},
           {"type": "activation", "function": "square"},
           {"type": "dense", "weights": [[0.7, -0.6, 0.5, 0.4]], "bias": [0.1]}]}
        """;

    [Fact]
    public async Task Diagonals_are_encoded_once_per_model_and_parameters_across_tenants_within_the_budget()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:KeyCache:ByteBudget"] = Budget.ToString(CultureInfo.InvariantCulture),
        });
        using var owner = await factory.NewTenantAsync(Roles.ModelAdmin);
        var model = await RegisterSharedMlpAsync(owner.Http);
        var compiled = ModelPlanner.Compile(ModelDocument.Parse(MlpJson), model.Plan.Parameters.PolyModulusDegree / 2);
        var memory = factory.Services.GetRequiredService<EvaluationMemory>();
        // An MLP ciphertext holds one record; each tenant sends another.
        double[][] inputs = [[0.3, -0.7, 0.1, 0.9], [-0.5, 0.2, 0.8, -0.4], [1, -1, 0.5, 0], [0, 0.6, -0.9, 0.25]];

        const int Tenants = 4;
        IReadOnlyList<(Analytics.EncodedPlaintextKey Key, Analytics.EncodedPlaintexts Plaintexts)>? first = null;
        for (var t = 0; t < Tenants; t++)
        {
            double[][] records = [inputs[t]];
            using var tenant = await factory.NewTenantAsync(Roles.Hospital);
            using var client = new PlanClient(model.Plan);
            using var form = client.KeySetForm();
            var keySet = await Api.UploadAsync(tenant.Http, form);
            using var body = new ByteArrayContent(client.Encrypt(compiled.Pack(records)));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await tenant.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records={records.Length}", body);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            AssertOutputs(model.Plan, compiled, client.Decrypt(await response.Content.ReadAsByteArrayAsync()), records);

            Assert.True(memory.CurrentBytes <= Budget, $"{memory.CurrentBytes} bytes held, budget {Budget}");
            var held = memory.PlaintextsHeld(model.Id);
            // One entry per dense layer (each at one level and scale), all of the plan's parameter set.
            Assert.Equal(2, held.Count);
            Assert.All(held, h => Assert.Equal(model.Plan.Parameters.ParmsId, h.Key.ParmsId.ToString()));
            Assert.Equal(held.Count, held.Select(h => h.Key.Owner).Distinct().Count());
            if (first is null)
            {
                first = held;
                continue;
            }

            // The very same encodings serve every tenant's key set: nobody encoded them again.
            foreach (var (key, plaintexts) in first)
            {
                Assert.Same(plaintexts, Assert.Single(held, h => h.Key == key).Plaintexts);
            }
        }

        // Keys and plaintexts share the budget, which bound the keys (each key set is megabytes of Galois keys), not the
        // shared plaintexts.
        var keySetsHeld = factory.Services.GetRequiredService<EvaluationKeyCache>().Count;
        Assert.InRange(keySetsHeld, 1, Tenants - 1);
        Assert.True(memory.PlaintextsHeld(model.Id).Sum(h => h.Plaintexts.Bytes) < Budget);

        // Deleting the model drops its plaintexts with it.
        using (var deleted = await owner.Http.DeleteAsync($"/v1/models/{model.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Empty(memory.PlaintextsHeld(model.Id));
    }

    internal static async Task<ModelResponse> RegisterSharedMlpAsync(HttpClient http)
    {
        var document = JsonDocument.Parse(MlpJson).RootElement;
        using var response = await http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("mlp", document, Shared: true), HeComputeJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<ModelResponse>();
    }

    internal static double Expected(IReadOnlyList<double> x)
    {
        double[,] w1 = { { 0.5, -0.25, 0.125, 0.3 }, { -0.4, 0.2, 0.6, -0.1 }, { 0.25, 0.35, -0.5, 0.2 }, { 0.1, -0.3, 0.2, 0.45 } };
        double[] b1 = [0.05, -0.1, 0.0, 0.2];
        double[] w2 = [0.7, -0.6, 0.5, 0.4];
        var y = 0.1;
        for (var i = 0; i < 4; i++)
        {
            var h = b1[i];
            for (var j = 0; j < 4; j++)
            {
                h += w1[i, j] * x[j];
            }

            y += w2[i] * h * h;
        }

        return y;
    }

    private static void AssertOutputs(PlanDocument plan, IEncryptedModel compiled, double[] slots, double[][] records)
    {
        var outputs = compiled.Unpack(slots, records.Length);
        for (var r = 0; r < records.Length; r++)
        {
            var expected = Expected(records[r]);
            Assert.True(
                Math.Abs(outputs[r][0] - expected) <= Math.Max(plan.Precision.ExpectedMaxAbsError, 1e-6),
                $"record {r}: {outputs[r][0]} vs {expected}, bound {plan.Precision.ExpectedMaxAbsError}");
        }
    }
}
