using System.Net;
using System.Net.Http.Json;
using HeCompute.Contracts;
using HeCompute.Server.Jobs;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class JobTests
{
    private static Task<Storage.JobRecord> EnqueueAsync(HeComputeFactory factory, string tenantId, string kind, StepsInput input) =>
        factory.Services.GetRequiredService<JobQueue>().EnqueueAsync(tenantId, kind, input, CancellationToken.None);

    [Fact]
    public async Task Jobs_interrupted_by_a_restart_are_resumed_or_failed_with_a_reason()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["HeCompute:Jobs:MaxConcurrency"] = "2" };
        string tenantId, secret, resumableId, oneShotId, finishedId;
        var first = new HeComputeFactory(directory.Path, settings);
        await using (first.ConfigureAwait(true))
        {
            using var tenant = await first.NewTenantAsync(Roles.Hospital);
            (tenantId, secret) = (tenant.TenantId, tenant.Secret);
            finishedId = (await EnqueueAsync(first, tenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1))).Id;
            await Api.WaitForJobAsync(tenant.Http, finishedId, j => j.State == JobState.Succeeded);
            resumableId = (await EnqueueAsync(first, tenantId, ResumableStepsHandler.Kind, new StepsInput(40, 50))).Id;
            oneShotId = (await EnqueueAsync(first, tenantId, OneShotStepsHandler.Kind, new StepsInput(40, 50))).Id;
            await Api.WaitForJobAsync(tenant.Http, resumableId, j => j.State == JobState.Running && j.Progress >= 0.1);
            await Api.WaitForJobAsync(tenant.Http, oneShotId, j => j.State == JobState.Running && j.Progress > 0);
        }

        // The host is gone mid-run; a new one on the same data directory settles both jobs.
        using var second = new HeComputeFactory(directory.Path, settings);
        using var client = second.Client(secret);
        var failed = await Api.WaitForJobAsync(client, oneShotId, j => j.State != JobState.Running && j.State != JobState.Queued);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("server restart", failed.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be resumed", failed.Error, StringComparison.Ordinal);

        var resumed = await Api.WaitForJobAsync(client, resumableId, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled);
        Assert.Equal(JobState.Succeeded, resumed.State);
        Assert.Equal(2, resumed.Attempts);
        Assert.Equal(1.0, resumed.Progress);
        var output = resumed.Output!.Value;
        Assert.True(output.GetProperty("started_at_step").GetInt32() > 0, "the resumed run continues from its checkpoint");
        Assert.Equal(2, output.GetProperty("attempt").GetInt32());

        // The job finished before the restart is intact, results included.
        var finished = await client.GetFromJsonAsync<JobResponse>($"/v1/jobs/{finishedId}", HeComputeJson.Options);
        Assert.Equal(JobState.Succeeded, finished!.State);
        var bytes = await client.GetByteArrayAsync($"/v1/jobs/{finishedId}/results/{StepsJob.ResultName}");
        Assert.Equal(StepsJob.ResultBytes(finishedId), bytes);
        var list = await (await client.GetAsync("/v1/jobs")).ReadAsync<JobListResponse>();
        Assert.Equal(3, list.Items.Count);
    }

    [Fact]
    public async Task Running_and_queued_jobs_can_be_cancelled_finished_ones_cannot()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);
        var running = await EnqueueAsync(factory, tenant.TenantId, ResumableStepsHandler.Kind, new StepsInput(400, 25));
        var queued = await EnqueueAsync(factory, tenant.TenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1));
        await Api.WaitForJobAsync(tenant.Http, running.Id, j => j.State == JobState.Running && j.Progress > 0);

        using (var cancelQueued = await tenant.Http.PostAsync($"/v1/jobs/{queued.Id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancelQueued.StatusCode);
            Assert.Equal(JobState.Cancelled, (await cancelQueued.ReadAsync<JobResponse>()).State);
        }

        using (var cancelRunning = await tenant.Http.PostAsync($"/v1/jobs/{running.Id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancelRunning.StatusCode);
        }

        var cancelled = await Api.WaitForJobAsync(tenant.Http, running.Id, j => j.State != JobState.Running, timeoutSeconds: 10);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.True(cancelled.Progress < 1);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.NotNull(cancelled.ExpiresAt);

        using (var again = await tenant.Http.PostAsync($"/v1/jobs/{running.Id}/cancel", null))
        {
            await Api.AssertProblemAsync(again, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }

        using (var results = await tenant.Http.GetAsync($"/v1/jobs/{running.Id}/results/{StepsJob.ResultName}"))
        {
            await Api.AssertProblemAsync(results, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }
    }

    [Fact]
    public async Task Failed_jobs_keep_their_reason_and_expired_jobs_are_purged_with_their_results()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);
        var failing = await EnqueueAsync(factory, tenant.TenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1, Fail: true));
        var failed = await Api.WaitForJobAsync(tenant.Http, failing.Id, j => j.State == JobState.Failed);
        Assert.Equal("The test job was asked to fail.", failed.Error);

        var ok = await EnqueueAsync(factory, tenant.TenantId, ResumableStepsHandler.Kind, new StepsInput(2, 1));
        var done = await Api.WaitForJobAsync(tenant.Http, ok.Id, j => j.State == JobState.Succeeded);
        var result = Assert.Single(done.Results);
        var blob = Path.Combine(directory.Path, "blobs", "sha256", result.Sha256[..2], result.Sha256);
        Assert.True(File.Exists(blob));

        var purge = factory.Services.GetRequiredService<JobPurgeService>();
        Assert.Equal(0, await purge.PurgeOnceAsync(CancellationToken.None));
        factory.Time.Offset = TimeSpan.FromDays(8);
        Assert.Equal(1, await purge.PurgeOnceAsync(CancellationToken.None));
        Assert.False(File.Exists(blob));
        using var gone = await tenant.Http.GetAsync($"/v1/jobs/{ok.Id}");
        await Api.AssertProblemAsync(gone, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Empty((await (await tenant.Http.GetAsync("/v1/jobs")).ReadAsync<JobListResponse>()).Items);
    }

    [Fact]
    public async Task Unknown_job_kinds_cannot_be_queued()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        await Assert.ThrowsAsync<ArgumentException>(() => EnqueueAsync(factory, "system", "no-such-kind", new StepsInput(1, 1)));
    }
}
