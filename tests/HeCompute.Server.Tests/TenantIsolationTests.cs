using System.Net;
using HeCompute.Contracts;
using HeCompute.Server.Jobs;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class TenantIsolationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public async Task Another_tenant_gets_404_for_every_id_and_sees_nothing_in_lists()
    {
        using var a = await Factory.NewTenantAsync(Roles.Hospital, Roles.Auditor);
        using var b = await Factory.NewTenantAsync(Roles.Hospital, Roles.Auditor);
        using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.RelinKeys, KeyMaterial.Shared.RelinKeysSeeded));
        var keySet = await Api.UploadAsync(a.Http, form);
        var job = await Factory.Services.GetRequiredService<JobQueue>().EnqueueAsync(a.TenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1), CancellationToken.None);
        await Api.WaitForJobAsync(a.Http, job.Id, j => j.State == JobState.Succeeded);

        string[] gets = [$"/v1/keysets/{keySet.Id}", $"/v1/jobs/{job.Id}", $"/v1/jobs/{job.Id}/results/{StepsJob.ResultName}"];
        foreach (var path in gets)
        {
            using var response = await b.Http.GetAsync(path);
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            Assert.DoesNotContain(a.TenantId, problem.ToString(), StringComparison.Ordinal);
        }

        using (var response = await b.Http.DeleteAsync($"/v1/keysets/{keySet.Id}"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var response = await b.Http.PostAsync($"/v1/jobs/{job.Id}/cancel", null))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        // A missing id and another tenant's id answer identically.
        using (var missing = await b.Http.GetAsync("/v1/keysets/ks_00000000000000000000000000000000"))
        using (var foreign = await b.Http.GetAsync($"/v1/keysets/{keySet.Id}"))
        {
            var m = await Api.AssertProblemAsync(missing, HttpStatusCode.NotFound);
            var f = await Api.AssertProblemAsync(foreign, HttpStatusCode.NotFound);
            Assert.Equal(m.GetProperty("detail").GetString(), f.GetProperty("detail").GetString());
        }

        Assert.Empty((await (await b.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items);
        Assert.Empty((await (await b.Http.GetAsync("/v1/jobs")).ReadAsync<JobListResponse>()).Items);
        // B's auditor asking for A's tenant is refused like any foreign id, not silently narrowed to B's own calls.
        foreach (var path in new[] { "/v1/audit", "/v1/audit/head", "/v1/audit/verify" })
        {
            using var refused = await b.Http.GetAsync(path + "?tenant_id=" + a.TenantId);
            await Api.AssertProblemAsync(refused, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        var audit = AuditChain.ReadJsonLines(new StringReader(await b.Http.GetStringAsync("/v1/audit?tenant_id=" + b.TenantId))).ToList();
        Assert.NotEmpty(audit);
        Assert.All(audit, e => Assert.Equal(b.TenantId, e.TenantId));
        Assert.DoesNotContain(audit, e => e.Action == "keysets.create");

        // Tenant A still has everything.
        Assert.Single((await (await a.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items);
        Assert.Contains(keySet.Id, await a.Http.GetStringAsync("/v1/audit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasure_removes_a_tenants_data_but_not_blobs_others_use()
    {
        using var a = await Factory.NewTenantAsync(Roles.Hospital);
        using var b = await Factory.NewTenantAsync(Roles.Hospital);
        var keys = KeyMaterial.Shared;
        using var formA = Api.KeySetForm((KeySetParts.Parms, keys.Parms), (KeySetParts.PublicKey, keys.PublicKeySeeded), (KeySetParts.GaloisKeys, keys.GaloisKeysFull));
        var keySetA = await Api.UploadAsync(a.Http, formA);
        using var formB = Api.KeySetForm((KeySetParts.Parms, keys.Parms), (KeySetParts.PublicKey, keys.PublicKeySeeded));
        var keySetB = await Api.UploadAsync(b.Http, formB);
        var job = await Factory.Services.GetRequiredService<JobQueue>().EnqueueAsync(a.TenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1), CancellationToken.None);
        var done = await Api.WaitForJobAsync(a.Http, job.Id, j => j.State == JobState.Succeeded);

        using var owner = await Factory.NewKeyAsync(a.TenantId, Roles.TenantAdmin);
        using var response = await owner.Http.DeleteAsync("/v1/tenant/data?confirm=" + a.TenantId);
        var erasure = await response.ReadAsync<TenantErasureResponse>();
        Assert.Equal(1, erasure.KeySets);
        Assert.Equal(1, erasure.Jobs);

        string BlobPath(string sha) => Path.Combine(Factory.DataDirectory, "blobs", "sha256", sha[..2], sha);
        Assert.False(File.Exists(BlobPath(Api.Sha256Hex(keys.GaloisKeysFull))));
        Assert.False(File.Exists(BlobPath(done.Results[0].Sha256)));
        Assert.True(File.Exists(BlobPath(Api.Sha256Hex(keys.PublicKeySeeded))), "tenant B's identical public key blob stays");
        Assert.Empty((await (await a.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items);
        Assert.Empty((await (await a.Http.GetAsync("/v1/jobs")).ReadAsync<JobListResponse>()).Items);
        using (var gone = await a.Http.GetAsync($"/v1/keysets/{keySetA.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        Assert.Equal(keySetB.Id, Assert.Single((await (await b.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items).Id);
    }
}
