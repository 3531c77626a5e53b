using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using HeCompute.Analytics.Models;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HeCompute.Server.Tests;

/// <summary>
/// The load test of issue 13, over loopback TCP: 8 concurrent clients of two tenants, each sending
/// <see cref="RequestsPerClient"/> heavy predictions one after another, against one compute worker, a short queue, a
/// per-tenant share and a heavy rate limit, while a probe calls <c>/health/live</c> every 100 ms. The burst lasts at
/// least <see cref="MinimumBurst"/> whatever the machine's speed: a fast machine would otherwise finish the few
/// admitted predictions before the probe had run more than once or twice.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int FromFirstTenant = 5;
    private const int FromSecondTenant = 3;
    private const int RequestsPerClient = 6;
    private static readonly TimeSpan MinimumBurst = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PauseAfterRefusal = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Liveness_answers_within_a_second_under_a_prediction_burst_the_excess_is_refused_with_retry_after_and_the_rest_decrypts_right()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Compute:Workers"] = "1",
            ["HeCompute:Compute:QueueCapacity"] = "3",
            ["HeCompute:Compute:MaxItemsPerTenant"] = "3",
            // Two heavy calls of each key go to preparing; the rest of the bucket is less than either tenant sends, and
            // the slow refill keeps a few predictions coming in for the whole burst.
            ["HeCompute:RateLimits:Heavy:PermitLimit"] = "16",
            ["HeCompute:RateLimits:Heavy:TokensPerPeriod"] = "1",
            ["HeCompute:RateLimits:Heavy:ReplenishmentPeriod"] = "00:00:00.250",
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var uri = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        // Preparing registers a model and uploads a key set: two heavy calls per tenant, before the burst.
        using var firstHttp = await Api.TenantClientAsync(uri, "load hospital a", Roles.Hospital, Roles.ModelAdmin);
        using var secondHttp = await Api.TenantClientAsync(uri, "load hospital b", Roles.Hospital, Roles.ModelAdmin);
        using var first = await BreastCancerPrediction.PrepareAsync(firstHttp);
        using var second = await BreastCancerPrediction.PrepareAsync(secondHttp);

        using var probe = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(10) };
        (await probe.GetAsync("/health/live")).Dispose();
        using var burstDone = new CancellationTokenSource();
        var latencies = new List<double>();
        var probing = Task.Run(async () =>
        {
            while (!burstDone.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                using var live = await probe.GetAsync("/health/live", CancellationToken.None);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
                await Task.Delay(100, CancellationToken.None);
            }
        });

        var burst = Stopwatch.StartNew();
        var clients = await Task.WhenAll(
            Enumerable.Range(0, FromFirstTenant).Select(_ => ClientAsync(firstHttp, first, burst))
                .Concat(Enumerable.Range(0, FromSecondTenant).Select(_ => ClientAsync(secondHttp, second, burst))))
            .WaitAsync(TimeSpan.FromMinutes(3));
        var outcomes = clients.SelectMany(c => c).ToArray();
        burst.Stop();
        await burstDone.CancelAsync();
        await probing;

        latencies.Sort();
        var median = latencies.Count % 2 == 1 ? latencies[latencies.Count / 2] : (latencies[(latencies.Count / 2) - 1] + latencies[latencies.Count / 2]) / 2;
        var accepted = outcomes.Count(o => o.Status == HttpStatusCode.OK);
        var byType = outcomes.Where(o => o.Status != HttpStatusCode.OK).GroupBy(o => $"{(int)o.Status} {o.Type}")
            .Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"burst of {outcomes.Length} predictions in {burst.Elapsed.TotalSeconds:0.0} s: accepted {accepted}, refused {outcomes.Length - accepted} ({string.Join("; ", byType)}); " +
            $"{latencies.Count} /health/live probes, median {median:0.0} ms, max {latencies[^1]:0.0} ms"));

        Assert.True(latencies.Count >= 10, $"only {latencies.Count} probes ran during the burst");
        Assert.All(latencies, l => Assert.True(l < 1000, $"/health/live took {l:0} ms"));
        // Each tenant got work in, and with more requests than the worker, queue and shares hold, some were refused.
        Assert.Contains(clients.Take(FromFirstTenant).SelectMany(c => c), o => o.Status == HttpStatusCode.OK);
        Assert.Contains(clients.Skip(FromFirstTenant).SelectMany(c => c), o => o.Status == HttpStatusCode.OK);
        Assert.Contains(outcomes, o => o.Status != HttpStatusCode.OK);
        Assert.All(outcomes, o => Assert.True(
            o.Status == HttpStatusCode.OK
            || (o.RetryAfter && ((o.Status == HttpStatusCode.TooManyRequests && o.Type is ProblemTypes.RateLimited or ProblemTypes.TenantShareExceeded)
                || (o.Status == HttpStatusCode.ServiceUnavailable && o.Type == ProblemTypes.ComputeBusy))),
            $"{o.Status} {o.Type} retry-after {o.RetryAfter}"));
    }

    [Fact]
    public async Task A_tenant_holding_its_compute_share_is_refused_at_once_with_429_while_another_tenant_predicts()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Compute:Workers"] = "1",
            ["HeCompute:Compute:MaxItemsPerTenant"] = "1",
        });
        using var busy = await factory.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
        using var other = await factory.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
        using var busyPrediction = await BreastCancerPrediction.PrepareAsync(busy.Http);
        using var otherPrediction = await BreastCancerPrediction.PrepareAsync(other.Http);

        // The busy tenant's share is one item, and it holds it (on the only worker) until released.
        var compute = factory.Services.GetRequiredService<Compute.IComputeScheduler>();
        using var release = new ManualResetEventSlim();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = compute.RunAsync(
            new Compute.ComputeRequest("holder", TenantId: busy.TenantId),
            _ =>
            {
                started.TrySetResult();
                return release.Wait(TimeSpan.FromSeconds(60));
            },
            CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Refused without waiting for the worker (the wait would outlast this timeout).
        var refused = await PredictAsync(busy.Http, busyPrediction).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((HttpStatusCode.TooManyRequests, ProblemTypes.TenantShareExceeded, true), refused);
        // The other tenant is admitted: queued behind the holder, it runs once the worker is free.
        var admitted = PredictAsync(other.Http, otherPrediction);
        release.Set();
        Assert.True(await holder);
        Assert.Equal(HttpStatusCode.OK, (await admitted.WaitAsync(TimeSpan.FromSeconds(60))).Status);
    }

    /// <summary>
    /// One client: its predictions one after another, at least <see cref="RequestsPerClient"/> and until the burst has
    /// lasted <see cref="MinimumBurst"/>. It ignores Retry-After (as an impatient client would) but pauses briefly after
    /// a refusal, so that the burst is a steady overload rather than a spin of instant refusals.
    /// </summary>
    private static async Task<List<(HttpStatusCode Status, string? Type, bool RetryAfter)>> ClientAsync(HttpClient http, BreastCancerPrediction prediction, Stopwatch burst)
    {
        var outcomes = new List<(HttpStatusCode, string?, bool)>();
        while (outcomes.Count < RequestsPerClient || burst.Elapsed < MinimumBurst)
        {
            var outcome = await PredictAsync(http, prediction);
            outcomes.Add(outcome);
            if (outcome.Status != HttpStatusCode.OK)
            {
                await Task.Delay(PauseAfterRefusal);
            }
        }

        return outcomes;
    }

    /// <summary>One prediction; an accepted one is decrypted and checked against the plaintext model's logits.</summary>
    private static async Task<(HttpStatusCode Status, string? Type, bool RetryAfter)> PredictAsync(HttpClient http, BreastCancerPrediction prediction)
    {
        using var body = new ByteArrayContent(prediction.Input);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync(prediction.Url, body);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var type = (await Api.AssertProblemAsync(response, response.StatusCode)).GetProperty("type").GetString();
            return (response.StatusCode, type, response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        var result = await response.Content.ReadAsByteArrayAsync();
        double[][] logits;
        lock (prediction)
        {
            // The key holder's decryptor is not shared between threads.
            logits = prediction.Compiled.Unpack(prediction.Client.Decrypt(result), prediction.Records.Length);
        }

        var oracle = BreastCancerModel.Shared;
        for (var r = 0; r < prediction.Records.Length; r++)
        {
            Assert.True(Math.Abs(logits[r][0] - oracle.Logits[r]) <= prediction.Model.Plan.Precision.ExpectedMaxAbsError, $"record {r}: {logits[r][0]} vs {oracle.Logits[r]}");
        }

        return (response.StatusCode, null, false);
    }
}
