using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Compute;
using HeCompute.Server.Endpoints;
using HeCompute.Server.Errors;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace HeCompute.Server.Tests.Cluster;

/// <summary>The single node's silo: key set grains, the memory they own, and refusals serialized as they cross silos.</summary>
public sealed class GrainPlacementTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public void Every_refusal_crosses_silos_with_its_kind_title_and_detail()
    {
        var serializer = fixture.Factory.Services.GetRequiredService<Serializer>();
        foreach (var kind in Enum.GetValues<DomainErrorKind>())
        {
            var sent = new DomainException(kind, $"title of {kind}", $"detail of {kind}");
            var received = Assert.IsType<DomainException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(sent)));
            Assert.Equal(kind, received.Kind);
            Assert.Equal(sent.Title, received.Title);
            Assert.Equal(sent.Detail, received.Detail);
            Assert.Equal(JsonSerializer.Serialize(ProblemMapper.ToProblemDetails(sent)), JsonSerializer.Serialize(ProblemMapper.ToProblemDetails(received)));
        }

        var notFound = Assert.IsType<NotFoundException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new NotFoundException("key set"))));
        Assert.Equal((DomainErrorKind.NotFound, "Not found", "No key set with this id."), (notFound.Kind, notFound.Title, notFound.Detail));

        // The scheduler's refusals are not domain exceptions; their type is what the HTTP edge maps.
        var busy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new ComputeQueueFullException("queue full")));
        Assert.IsType<ComputeQueueFullException>(busy);
        Assert.Equal(ProblemTypes.ComputeBusy, ProblemMapper.TryMap(busy)!.Type);
    }

    [Fact]
    public async Task An_uploaded_key_set_is_held_by_its_grain_on_this_silo_and_freed_when_deleted()
    {
        using var hospital = await fixture.Factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.FullKeySet(KeyMaterial.Shared);
        var keySet = await Api.UploadAsync(hospital.Http, form);
        var held = await WaitForAsync(node => node.KeySetGrains == 1 && node.KeySetsHeld == 1);
        Assert.False(held.Clustered);
        Assert.Equal([held.Silo], held.ActiveSilos);
        Assert.True(held.MemoryBytes > 0);
        Assert.Equal(
            new Dictionary<string, long> { ["hecompute.cluster.keyset_grains"] = 1, ["hecompute.memory.keysets"] = 1, ["hecompute.memory.bytes"] = held.MemoryBytes },
            Gauges());

        Assert.Equal(HttpStatusCode.NoContent, (await hospital.Http.DeleteAsync($"/v1/keysets/{keySet.Id}")).StatusCode);
        var freed = await WaitForAsync(node => node.KeySetGrains == 0 && node.KeySetsHeld == 0);
        Assert.Equal(0, freed.MemoryBytes);

        using var anonymous = fixture.Factory.Client(null);
        var ready = await anonymous.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal($"1 active silo: {held.Silo}", ready.GetProperty("checks").GetProperty("cluster").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Erasing_a_tenant_frees_its_key_sets_grains_and_keys()
    {
        using var hospital = await fixture.Factory.NewTenantAsync(Roles.Hospital);
        using var owner = await fixture.Factory.NewKeyAsync(hospital.TenantId, Roles.TenantAdmin);
        using var form = Api.FullKeySet(KeyMaterial.Shared);
        await Api.UploadAsync(hospital.Http, form);
        await WaitForAsync(node => node.KeySetGrains == 1 && node.KeySetsHeld == 1);

        using var erased = await owner.Http.DeleteAsync($"/v1/tenant/data?confirm={hospital.TenantId}");
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        await WaitForAsync(node => node.KeySetGrains == 0 && node.KeySetsHeld == 0);
    }

    /// <summary>This server's cluster gauges, as an OpenTelemetry reader collects them.</summary>
    private Dictionary<string, long> Gauges()
    {
        var meters = fixture.Factory.Services.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is "hecompute.cluster.keyset_grains" or "hecompute.memory.keysets" or "hecompute.memory.bytes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private async Task<ClusterNodeResponse> WaitForAsync(Func<ClusterNodeResponse, bool> until)
    {
        using var admin = fixture.Factory.Admin();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var node = (await admin.GetFromJsonAsync<ClusterNodeResponse>("/v1/admin/cluster", HeComputeJson.Options))!;
            if (until(node))
            {
                return node;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"node: {node}");
            await Task.Delay(100);
        }
    }
}
