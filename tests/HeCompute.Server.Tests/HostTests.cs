using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Caching;
using HeCompute.Server.KeySets;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class HostTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public async Task Health_endpoints_answer_anonymously()
    {
        using var client = Factory.Client(null);
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("metadata").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_and_reference_page_are_served()
    {
        using var client = Factory.Client(null);
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/keysets", "/v1/keysets/{keySetId}", "/v1/jobs/{jobId}/cancel", "/v1/audit", "/v1/admin/tenants", "/v1/tenant/data" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }

        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));
        using var scalar = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Contains("text/html", scalar.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_metrics_are_published_on_the_HeCompute_meter()
    {
        // Only this server's instruments: other test classes run their own servers, on meters of the same name, at the same time.
        var meterFactory = Factory.Services.GetRequiredService<IMeterFactory>();
        var measured = new List<(string Instrument, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "HeCompute.Server" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };

        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? tag = null;
            foreach (var pair in tags)
            {
                if (pair.Key is "operation" or "kind")
                {
                    tag = pair.Value as string;
                }
            }

            lock (measured)
            {
                measured.Add((instrument.Name, tag));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        listener.Start();

        using var tenant = await Factory.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
        var model = await ModelTests.RegisterAsync(tenant.Http, shared: false);
        using var client = new PlanClient(model.Plan);
        using var form = client.KeySetForm();
        var keySet = await Api.UploadAsync(tenant.Http, form);
        using var body = new ByteArrayContent(client.Encrypt([0.1, 0.2]));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var predicted = await tenant.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records=1", body);
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        lock (measured)
        {
            Assert.Contains(("hecompute.keysets.uploaded", null), measured);
            Assert.Contains(("hecompute.he.operations", "model-evaluation"), measured);
            foreach (var kind in new[] { "model-plan", "keyset-load", "predict" })
            {
                Assert.Contains(("hecompute.compute.wait.duration", kind), measured);
                Assert.Contains(("hecompute.compute.run.duration", kind), measured);
                Assert.Contains(("hecompute.compute.running", kind), measured);
            }
        }
    }

    [Fact]
    public async Task Key_cache_evicts_least_recently_used_under_its_budget()
    {
        using var directory = new TempDirectory();
        // Each N = 8192 key set with a public key and relinearization keys is about 3.5 MiB deserialized.
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?> { ["HeCompute:KeyCache:ByteBudget"] = (8L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);
        var keys = KeyMaterial.Shared;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var form = Api.KeySetForm((KeySetParts.Parms, keys.Parms), (KeySetParts.PublicKey, keys.PublicKeySeeded), (KeySetParts.RelinKeys, keys.RelinKeysSeeded));
            ids.Add((await Api.UploadAsync(tenant.Http, form)).Id);
        }

        var cache = factory.Services.GetRequiredService<EvaluationKeyCache>();
        Assert.Equal(2, cache.Count);
        Assert.True(factory.Services.GetRequiredService<EvaluationMemory>().CurrentBytes <= 8L << 20);

        // The evicted first key set loads again from its blobs.
        var service = factory.Services.GetRequiredService<KeySetService>();
        var first = await service.GetKeysAsync(tenant.TenantId, ids[0], CancellationToken.None);
        Assert.NotNull(first?.Keys.PublicKey);
        Assert.Equal(2, cache.Count);
    }
}
