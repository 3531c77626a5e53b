using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using HeCompute.Contracts;
using HeCompute.Server.Compute;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HeCompute.Server.Tests;

/// <summary>The compute scheduler inside the server: one worker and a short queue, under more work than it takes.</summary>
public sealed class ComputeSaturationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Liveness_answers_quickly_while_predictions_saturate_the_scheduler_and_the_excess_is_refused_with_retry_after()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Compute:Workers"] = "1",
            ["HeCompute:Compute:QueueCapacity"] = "2",
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var uri = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var scheduler = factory.Services.GetRequiredService<ComputeScheduler>();
        using var http = await Api.TenantClientAsync(uri, "busy hospital", Roles.Hospital, Roles.ModelAdmin);
        using var prediction = await BreastCancerPrediction.PrepareAsync(http);
        var (url, input) = (prediction.Url, prediction.Input);

        using var probe = new HttpClient { BaseAddress = uri };
        (await probe.GetAsync("/health/live")).Dispose();
        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, string? Type, bool RetryAfter)>();
        var flood = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var body = new ByteArrayContent(input);
                body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var response = await http.PostAsync(url, body, CancellationToken.None);
                string? type = null;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    type = (await Api.AssertProblemAsync(response, response.StatusCode)).GetProperty("type").GetString();
                    // A refused client backs off a little, as a real one honouring Retry-After would (but sooner, to keep the pressure on).
                    await Task.Delay(20, CancellationToken.None);
                }

                statuses.Add((response.StatusCode, type, response.Headers.RetryAfter is not null));
            }
        })).ToArray();

        var latencies = new List<double>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                // Probe only while the worker is busy and items wait behind it.
                var waited = Stopwatch.StartNew();
                while (scheduler.QueueLength == 0)
                {
                    Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the flood never filled the compute queue");
                    await Task.Delay(5);
                }

                var started = Stopwatch.GetTimestamp();
                using var live = await probe.GetAsync("/health/live");
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(flood);
        }

        latencies.Sort();
        var median = (latencies[4] + latencies[5]) / 2;
        output.WriteLine($"/health/live ms: {string.Join(", ", latencies.Select(l => l.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)))}; " +
            $"predictions answered {statuses.Count(s => s.Status == HttpStatusCode.OK)}, refused {statuses.Count(s => s.Status != HttpStatusCode.OK)}");
        Assert.True(median < 100, $"/health/live median {median:0.#} ms under saturation");
        Assert.Contains(statuses, s => s.Status == HttpStatusCode.OK);
        Assert.Contains(statuses, s => s.Status == HttpStatusCode.ServiceUnavailable && s.Type == ProblemTypes.ComputeBusy && s.RetryAfter);
        Assert.All(statuses, s => Assert.True(
            s.Status == HttpStatusCode.OK || (s.Status == HttpStatusCode.ServiceUnavailable && s.Type == ProblemTypes.ComputeBusy), $"{s.Status} {s.Type}"));
    }

    [Fact]
    public async Task A_prediction_over_its_time_budget_is_refused_with_time_budget_exceeded()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?> { ["HeCompute:Analytics:PredictTimeBudget"] = "00:00:00.001" });
        using var tenant = await factory.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
        using var prediction = await BreastCancerPrediction.PrepareAsync(tenant.Http);

        using var body = new ByteArrayContent(prediction.Input);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await tenant.Http.PostAsync(prediction.Url, body);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.TimeBudgetExceeded);
        Assert.Contains("predict-jobs", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_refused_by_a_full_compute_queue_waits_in_the_job_queue_and_then_succeeds()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Compute:Workers"] = "1",
            ["HeCompute:Compute:QueueCapacity"] = "1",
        });
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);
        var compute = factory.Services.GetRequiredService<IComputeScheduler>();
        using var release = new ManualResetEventSlim();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = compute.RunAsync(
            new ComputeRequest("blocker"),
            _ =>
            {
                started.TrySetResult();
                return release.Wait(TimeSpan.FromSeconds(60));
            },
            CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var filler = compute.RunAsync(new ComputeRequest("filler"), _ => true, CancellationToken.None);

        var job = await factory.Services.GetRequiredService<Jobs.JobQueue>()
            .EnqueueAsync(tenant.TenantId, ComputeStepHandler.Kind, new StepsInput(1, 0), CancellationToken.None);
        var waiting = await Api.WaitForJobAsync(tenant.Http, job.Id, j => j.ProgressMessage == "waiting for compute capacity");
        Assert.NotEqual(JobState.Failed, waiting.State);
        release.Set();
        Assert.True(await blocker);
        Assert.True(await filler);

        var done = await Api.WaitForJobAsync(tenant.Http, job.Id, j => j.State is JobState.Succeeded or JobState.Failed);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.True(done.Attempts >= 2, $"attempts {done.Attempts}");
    }
}
