using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Caching;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>
/// Five CNN models (1×8×8 images: conv 2×3×3 → square → avgpool 2×2 → dense 2), each registered and predicted with
/// its own key set, under a byte budget well below what their key sets and encoded diagonals would hold together:
/// after every step the bytes held (the evaluation memory's own accounting of keys and plaintexts) stay within the
/// budget, every prediction matches the plaintext network within the plan's bound, and each compiled model holds
/// under 50 MB.
/// </summary>
public sealed class CnnMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Budget = 64L << 20;

    [Fact]
    public async Task Five_cnn_models_stay_within_the_configured_budget()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:KeyCache:ByteBudget"] = Budget.ToString(CultureInfo.InvariantCulture),
        });
        using var admin = await factory.NewTenantAsync(Roles.ModelAdmin);
        using var hospital = await factory.NewKeyAsync(admin.TenantId, Roles.Hospital);
        var memory = factory.Services.GetRequiredService<EvaluationMemory>();
        var demand = 0L;
        var random = new Random(14);
        for (var m = 0; m < 5; m++)
        {
            var document = Cnn(m);
            using var registered = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest($"cnn {m}", document.ToJsonElement(), PrecisionBits: 10), HeComputeJson.Options);
            Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
            var model = await registered.ReadAsync<ModelResponse>();
            var compiled = Assert.IsType<CnnModel>(ModelPlanner.Compile(document, model.Plan.Parameters.PolyModulusDegree / 2));
            Assert.True(compiled.ResidentBytes < 50_000_000);

            using var client = new PlanClient(model.Plan);
            using var form = client.KeySetForm();
            var keySet = await Api.UploadAsync(hospital.Http, form);
            var images = Enumerable.Range(0, 3).Select(_ => (IReadOnlyList<double>)[.. Enumerable.Range(0, 64).Select(_ => random.NextDouble())]).ToArray();
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
                    Assert.True(Math.Abs(outputs[i][c] - expected[c]) <= model.Plan.Precision.ExpectedMaxAbsError, $"model {m}, image {i}, output {c}");
                }
            }

            demand += model.Plan.Sizes.GaloisKeysBytes + model.Plan.Sizes.RelinKeysBytes + compiled.EncodedDiagonalBytes(new Analytics.EvaluationContext(Lattice.Rlwe.Parameters.Create(client.Parameters), model.Plan.Parameters.Scale));
            Assert.True(memory.CurrentBytes <= Budget, $"model {m}: {memory.CurrentBytes} bytes held, budget {Budget}");
        }

        Assert.Equal(memory.CurrentBytes, Observed(memory, "hecompute.memory.bytes"));
        Assert.Equal(Budget, Observed(memory, "hecompute.memory.budget"));
        output.WriteLine($"five CNNs: keys and encoded diagonals needed {demand / 1e6:F0} MB; held {memory.CurrentBytes / 1e6:F1} MB in {memory.Count} entries, budget {Budget / 1e6:F0} MB");

        // The budget did the bounding: the five models' keys and diagonals would have needed more.
        Assert.True(demand > Budget, $"the five models need only {demand} bytes");
    }

    [Fact]
    public void The_default_budget_is_a_quarter_of_the_available_memory_at_most_two_gibibytes()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.True(available > 0);
        Assert.Equal(Math.Min(2L << 30, available / 4), Options.KeyCacheOptions.DefaultByteBudget());
        Assert.Equal(Options.KeyCacheOptions.DefaultByteBudget(), new Options.KeyCacheOptions().ByteBudget);
    }

    /// <summary>The gauge's value for this memory (other servers in the process publish their own instruments).</summary>
    private static long Observed(EvaluationMemory memory, string name)
    {
        var values = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.HeComputeMetrics.MeterName && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => values.Add(value));
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => values.Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        var expected = name == "hecompute.memory.budget" ? memory.Budget : memory.CurrentBytes;
        return Assert.Single(values.Distinct(), v => v == expected);
    }

    /// <summary>A small CNN with weights drawn from the model's index, pixels declared in [0, 1].</summary>
    internal static ModelDocument Cnn(int index)
    {
        var random = new Random(100 + index);
        double[] Values(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => ((2 * random.NextDouble()) - 1) * scale)];
        return new ModelDocument
        {
            Kind = ModelKinds.Cnn,
            Input = new InputSchema
            {
                Features = [.. Enumerable.Range(0, 64).Select(i => $"p{i}")],
                Shape = [1, 8, 8],
                Lower = [.. Enumerable.Repeat(0.0, 64)],
                Upper = [.. Enumerable.Repeat(1.0, 64)],
            },
            Layers =
            [
                new LayerDocument { Type = LayerTypes.Conv2d, KernelShape = [2, 1, 3, 3], Kernel = Values(18, 0.4), Bias = Values(2, 0.1), Padding = [1, 1] },
                new LayerDocument { Type = LayerTypes.Activation, Function = "square" },
                new LayerDocument { Type = LayerTypes.AvgPool, Kernel = [2, 2], Stride = [2, 2] },
                new LayerDocument { Type = LayerTypes.Flatten },
                new LayerDocument { Type = LayerTypes.Dense, Weights = [Values(32, 0.5), Values(32, 0.5)], Bias = [0, 0] },
            ],
        };
    }
}
