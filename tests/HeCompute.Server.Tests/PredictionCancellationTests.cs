using System.Diagnostics.CodeAnalysis;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Lattice.Rlwe;
using HeCompute.Protocol.Models;
using HeCompute.Server.Compute;
using HeCompute.Server.Errors;
using HeCompute.Server.Predictions;
using HeCompute.Server.Storage;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>
/// Cancellation reaches the engine through the prediction service: a cancelled predict, or one past its time budget,
/// stops within one key switch, and the (only) compute worker is free again. Key switches are counted as key lookups
/// (each Galois or relinearization key switch looks its key up first) through a wrapper around the session's keys.
/// </summary>
public sealed class PredictionCancellationTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private HeComputeFactory? _factory;
    private TestTenant? _owner;
    private TestTenant? _hospital;
    private PlanClient? _client;
    private PredictionSession? _session;
    private byte[] _input = [];
    private string _modelId = "";

    private HeComputeFactory Factory => _factory!;

    private PredictionSession Session => _session!;

    public async Task InitializeAsync()
    {
        _factory = new HeComputeFactory(_directory.Path, new Dictionary<string, string?>
        {
            // One worker, so a probe item runs only once the abandoned evaluation has left it.
            ["HeCompute:Compute:Workers"] = "1",
            ["HeCompute:Compute:ThreadsPerItem"] = "1",
            ["HeCompute:Analytics:PredictTimeBudget"] = "00:00:00.2",
        });
        _owner = await Factory.NewTenantAsync(Roles.ModelAdmin);
        var model = await EvaluationMemoryTests.RegisterSharedMlpAsync(_owner.Http);
        _modelId = model.Id;
        _hospital = await Factory.NewTenantAsync(Roles.Hospital);
        _client = new PlanClient(model.Plan);
        using var form = _client.KeySetForm();
        var keySet = await Api.UploadAsync(_hospital.Http, form);
        var record = await Factory.Services.GetRequiredService<IMetadataStore>().Models.GetVisibleAsync(_hospital.TenantId, model.Id, CancellationToken.None);
        _session = await Factory.Services.GetRequiredService<PredictionService>().OpenAsync(_hospital.TenantId, record!, keySet.Id, newComputation: true, CancellationToken.None);
        var compiled = ModelPlanner.Compile(ModelDocument.Parse(EvaluationMemoryTests.MlpJson), model.Plan.Parameters.PolyModulusDegree / 2);
        _input = _client.Encrypt(compiled.Pack([[0.3, -0.7, 0.1, 0.9]]));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _client?.Dispose();
        _hospital?.Dispose();
        _owner?.Dispose();
        _factory?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void A_cancelled_predict_stops_within_one_key_switch()
    {
        // Uncancelled, the circuit looks keys up many times (rotations of both layers, the square's relinearization).
        var counted = new CountingKeys(Session.Context.Keys!, _ => { });
        var output = WithKeys(counted).Predict(_input, 1, "input");
        Assert.NotEmpty(output);
        Assert.True(counted.Lookups > 2, $"{counted.Lookups} key lookups uncancelled");

        using var cancellation = new CancellationTokenSource();
        var cancelling = new CountingKeys(Session.Context.Keys!, n =>
        {
            if (n == 1)
            {
                cancellation.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => WithKeys(cancelling).Predict(_input, 1, "input", cancellation.Token));
        // Cancelled during the first key switch's lookup: at most one more lookup, and no key switch after it.
        Assert.True(cancelling.Lookups <= 2, $"{cancelling.Lookups} key lookups after cancelling in the first");
    }

    [Fact]
    public async Task A_predict_past_its_time_budget_stops_computing_and_frees_the_worker()
    {
        using var release = new ManualResetEventSlim();
        // The evaluation parks in its first key lookup until the caller has been told the budget ran out.
        var gated = new CountingKeys(Session.Context.Keys!, n =>
        {
            if (n == 1)
            {
                release.Wait(TimeSpan.FromMinutes(1));
            }
        });
        var service = Factory.Services.GetRequiredService<PredictionService>();
        var error = await Assert.ThrowsAsync<DomainException>(() => service.EvaluateWithinBudgetAsync("tenant", WithKeys(gated), _input, 1, _modelId, CancellationToken.None));
        Assert.Equal(DomainErrorKind.TimeBudgetExceeded, error.Kind);
        var atDeadline = gated.Lookups;
        Assert.Equal(1, atDeadline);
        release.Set();

        // The only worker runs the probe once the abandoned evaluation has noticed its token and left.
        var compute = Factory.Services.GetRequiredService<IComputeScheduler>();
        Assert.True(await compute.RunAsync(new ComputeRequest("probe"), _ => true, CancellationToken.None));
        Assert.True(gated.Lookups <= atDeadline + 1, $"{gated.Lookups - atDeadline} key lookups after the deadline");
    }

    private PredictionSession WithKeys(IEvaluationKeySet keys) => new(Session.Plan, Session.Model, Session.Context.WithKeys(keys), null, 0);

    /// <summary>Counts key lookups (Galois and relinearization), calling back on each Galois one with its number.</summary>
    private sealed class CountingKeys(IEvaluationKeySet inner, Action<int> onGaloisLookup) : IEvaluationKeySet
    {
        private int _lookups;
        private int _galois;

        public int Lookups => Volatile.Read(ref _lookups);

        public SwitchingKey? RelinearizationKey
        {
            get
            {
                Interlocked.Increment(ref _lookups);
                return inner.RelinearizationKey;
            }
        }

        public bool TryGetGaloisKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key)
        {
            Interlocked.Increment(ref _lookups);
            onGaloisLookup(Interlocked.Increment(ref _galois));
            return inner.TryGetGaloisKey(galoisElement, out key);
        }
    }
}
