using System.Diagnostics;
using Xunit.Abstractions;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests.Cluster;

/// <summary>
/// Three server processes on loopback, one Redis membership table and shared storage (one PostgreSQL database, each
/// node its own data directory, one master key): a hospital's workflow through any node, its key set held by one silo,
/// and that silo killed with SIGKILL.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class MultiNodeTests(ITestOutputHelper output, PostgresServer server)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static BreastCancerModel Oracle => BreastCancerModel.Shared;

    [Fact]
    public async Task A_hospital_works_through_any_node_its_key_set_lives_on_one_silo_and_moves_when_that_silo_is_killed()
    {
        using var redis = new RedisServer();
        await using var storage = await SharedStorage.CreateAsync(server);
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        // The first node creates the schema; the other two then start together.
        using var a = ServerProcess.Start("A", storage, redis, clusterId);
        await a.WaitReadyAsync(StartTimeout);
        using var b = ServerProcess.Start("B", storage, redis, clusterId);
        using var c = ServerProcess.Start("C", storage, redis, clusterId);
        await Task.WhenAll(b.WaitReadyAsync(StartTimeout), c.WaitReadyAsync(StartTimeout));
        ServerProcess[] nodes = [a, b, c];
        await WaitForActiveSilosAsync(nodes, 3);
        Assert.StartsWith("3 active silos: ", await ReadinessOfClusterAsync(c));

        var secret = await NewHospitalAsync(b);
        using var viaA = a.Client(secret);
        using var viaB = b.Client(secret);
        using var viaC = c.Client(secret);
        var model = await ModelTests.RegisterAsync(viaB, shared: false);
        using var client = new PlanClient(model.Plan);
        using var keyForm = client.KeySetForm();
        var keySet = await Api.UploadAsync(viaA, keyForm);
        var compiled = ModelPlanner.Compile(ModelDocument.Parse(Oracle.ModelJson), model.Plan.Parameters.PolyModulusDegree / 2);
        var records = Oracle.Records[..5];
        var input = client.Encrypt(compiled.Pack(records));
        var url = $"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records={records.Length}";

        // The upload's node validated the keys and keeps them: its silo hosts the key set's grain.
        foreach (var via in new[] { viaC, viaB, viaA, viaC })
        {
            AssertLogits(model.Plan, compiled, client.Decrypt(await PredictAsync(via, url, input)), records.Length);
        }

        var holder = await SingleHolderAsync(nodes);
        Assert.Same(a, holder);

        // A refusal raised on the holder's silo (the input is no ciphertext) reaches the other nodes' HTTP edge as
        // the same problem details.
        foreach (var via in new[] { viaB, viaC })
        {
            using var garbage = Octets(new byte[4096]);
            using var refused = await via.PostAsync(url, garbage);
            await Api.AssertProblemAsync(refused, HttpStatusCode.BadRequest, ProblemTypes.MalformedSealObject);
        }

        holder.KillHard();
        var survivors = nodes.Where(n => n != holder).ToArray();
        using var viaSurvivor = survivors[0].Client(secret);
        using var viaOtherSurvivor = survivors[1].Client(secret);
        // Until membership declares the dead silo dead, calls to its grain are refused as a 503 problem (never a
        // 500); then the grain re-activates on a live silo, which loads the keys from the shared storage.
        var moved = Stopwatch.StartNew();
        var refusals = 0;
        while (true)
        {
            using var body = Octets(input);
            using var response = await viaSurvivor.PostAsync(url, body);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                AssertLogits(model.Plan, compiled, client.Decrypt(await response.Content.ReadAsByteArrayAsync()), records.Length);
                break;
            }

            await Api.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.ComputeBusy);
            refusals++;
            Assert.True(moved.Elapsed < TimeSpan.FromSeconds(60), "predictions did not resume within 60 s of the holder's death");
            await Task.Delay(500);
        }

        output.WriteLine($"after kill -9: predictions resumed {moved.Elapsed.TotalSeconds:0.0} s later, {refusals} answered 503 meanwhile");
        AssertLogits(model.Plan, compiled, client.Decrypt(await PredictAsync(viaOtherSurvivor, url, input)), records.Length);
        AssertLogits(model.Plan, compiled, client.Decrypt(await PredictAsync(viaSurvivor, url, input)), records.Length);
        var newHolder = await SingleHolderAsync(survivors);
        Assert.Contains(newHolder, survivors);
        await WaitForActiveSilosAsync(survivors, 2);
        Assert.StartsWith("2 active silos: ", await ReadinessOfClusterAsync(survivors[0]));

        // A graceful stop (SIGTERM, as systemd stops a unit) leaves the cluster at once: the last node takes the key
        // set over on the next prediction, with no refusal in between.
        var last = survivors.Single(n => n != newHolder);
        using var viaLast = last.Client(secret);
        var stopped = Stopwatch.StartNew();
        await newHolder.StopAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"SIGTERM: the holder exited after {stopped.Elapsed.TotalSeconds:0.0} s");
        AssertLogits(model.Plan, compiled, client.Decrypt(await PredictAsync(viaLast, url, input)), records.Length);
        Assert.Same(last, await SingleHolderAsync([last]));
        await WaitForActiveSilosAsync([last], 1);
    }

    [Fact]
    public async Task Kill_9_of_the_node_running_a_job_lets_another_node_take_it_over_from_its_checkpoint_and_the_results_are_right()
    {
        using var redis = new RedisServer();
        await using var storage = await SharedStorage.CreateAsync(server);
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        using var a = ServerProcess.Start("A", storage, redis, clusterId);
        await a.WaitReadyAsync(StartTimeout);
        using var b = ServerProcess.Start("B", storage, redis, clusterId);
        using var c = ServerProcess.Start("C", storage, redis, clusterId);
        await Task.WhenAll(b.WaitReadyAsync(StartTimeout), c.WaitReadyAsync(StartTimeout));
        ServerProcess[] nodes = [a, b, c];
        await WaitForActiveSilosAsync(nodes, 3);

        var secret = await NewHospitalAsync(a);
        using var viaA = a.Client(secret);
        var model = await ModelTests.RegisterAsync(viaA, shared: false);
        using var client = new PlanClient(model.Plan);
        using var keyForm = client.KeySetForm();
        var keySet = await Api.UploadAsync(viaA, keyForm);
        var compiled = ModelPlanner.Compile(ModelDocument.Parse(Oracle.ModelJson), model.Plan.Parameters.PolyModulusDegree / 2);
        const int inputs = 18;
        const int perInput = 2;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(keySet.Id), PredictProtocol.KeySetId },
            { new StringContent(string.Join(',', Enumerable.Repeat(perInput, inputs))), PredictProtocol.Records },
        };
        for (var i = 0; i < inputs; i++)
        {
            form.Add(new ByteArrayContent(client.Encrypt(compiled.Pack(Oracle.Records[(i * perInput)..((i + 1) * perInput)]))), PredictProtocol.Input, $"{i}.seal");
        }

        string jobId;
        using (var submitted = await viaA.PostAsync($"/v1/models/{model.Id}/predict-jobs", form))
        {
            jobId = (await submitted.ReadAsync<JobResponse>()).Id;
        }

        // Mid-way: at least one input done (its checkpoint saved), the job still running on exactly one node.
        var running = await Api.WaitForJobAsync(viaA, jobId, j => j.State != JobState.Queued && j.Progress > 0, timeoutSeconds: 120);
        Assert.True(running.State == JobState.Running, $"the job was {running.State} before the kill: {running.Error}");
        var views = await Task.WhenAll(nodes.Select(n => n.ClusterAsync()));
        var holder = nodes[Array.FindIndex(views, v => v.JobsRunning == 1)];
        Assert.Equal(1, views.Sum(v => v.JobsRunning));
        Assert.Equal(3, views.Select(v => v.LeaseOwner).Distinct().Count());
        holder.KillHard();
        var killed = Stopwatch.StartNew();
        var survivors = nodes.Where(n => n != holder).ToArray();
        using var viaSurvivor = survivors[0].Client(secret);

        var done = await Api.WaitForJobAsync(viaSurvivor, jobId, j => j.State is JobState.Succeeded or JobState.Failed, timeoutSeconds: 180);
        output.WriteLine($"after kill -9 of {holder.Name}: the job finished {killed.Elapsed.TotalSeconds:0.0} s later, attempts {done.Attempts}");
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal(2, done.Attempts);
        var after = await Task.WhenAll(survivors.Select(n => n.ClusterAsync()));
        Assert.Equal(1, after.Sum(v => v.JobsTakenOver));
        Assert.All(after, v => Assert.Equal(0, v.JobsRunning));

        // Every input's result once, each sklearn's logits within the plan's bound.
        Assert.Equal(Enumerable.Range(0, inputs).Select(PredictProtocol.OutputName), done.Results.Select(r => r.Name));
        for (var i = 0; i < inputs; i++)
        {
            var logits = compiled.Unpack(client.Decrypt(await viaSurvivor.GetByteArrayAsync($"/v1/jobs/{jobId}/results/{PredictProtocol.OutputName(i)}")), perInput);
            for (var r = 0; r < perInput; r++)
            {
                var expected = Oracle.Logits[(i * perInput) + r];
                Assert.True(Math.Abs(logits[r][0] - expected) <= model.Plan.Precision.ExpectedMaxAbsError, $"input {i} record {r}: {logits[r][0]} vs {expected}");
            }
        }

        using var admin = survivors[1].Admin();
        var audit = await (await admin.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(audit.Valid, audit.Reason);
    }

    /// <summary>The description of <c>/health/ready</c>'s cluster check.</summary>
    private static async Task<string> ReadinessOfClusterAsync(ServerProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.Address };
        var ready = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        return ready.GetProperty("checks").GetProperty("cluster").GetProperty("description").GetString()!;
    }

    /// <summary>A tenant and a key with the hospital and model-admin roles, created through <paramref name="node"/>; returns the secret.</summary>
    private static async Task<string> NewHospitalAsync(ServerProcess node)
    {
        using var admin = node.Admin();
        var tenant = await (await admin.PostAsJsonAsync("/v1/admin/tenants", new CreateTenantRequest("hospital"), HeComputeJson.Options)).ReadAsync<TenantResponse>();
        var key = await (await admin.PostAsJsonAsync(
                $"/v1/admin/tenants/{tenant.Id}/keys", new CreateApiKeyRequest("k", [Roles.Hospital, Roles.ModelAdmin]), HeComputeJson.Options))
            .ReadAsync<CreatedApiKeyResponse>();
        return key.Secret;
    }

    private static async Task<byte[]> PredictAsync(HttpClient http, string url, byte[] input)
    {
        using var body = Octets(input);
        using var response = await http.PostAsync(url, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{http.BaseAddress}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>The one node whose silo hosts the key set's grain and holds its keys (every other node holds none).</summary>
    private static async Task<ServerProcess> SingleHolderAsync(IReadOnlyList<ServerProcess> nodes)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var views = await Task.WhenAll(nodes.Select(n => n.ClusterAsync()));
            var holders = Enumerable.Range(0, nodes.Count).Where(i => views[i].KeySetGrains > 0 || views[i].KeySetsHeld > 0).ToArray();
            if (holders.Length == 1 && views[holders[0]] is { KeySetGrains: 1, KeySetsHeld: 1 })
            {
                return nodes[holders[0]];
            }

            Assert.True(
                deadline.Elapsed < TimeSpan.FromSeconds(10),
                "key set not held by exactly one silo: " + string.Join("; ", views.Select((v, i) => $"{nodes[i].Name}: {v.KeySetGrains} grains, {v.KeySetsHeld} key sets")));
            await Task.Delay(200);
        }
    }

    private static async Task WaitForActiveSilosAsync(IReadOnlyList<ServerProcess> nodes, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var views = await Task.WhenAll(nodes.Select(n => n.ClusterAsync()));
            if (views.All(v => v.Clustered && v.ActiveSilos.Count == count) && views.Select(v => v.Silo).Distinct().Count() == nodes.Count
                && views.All(v => nodes.Count == views.Count(w => v.ActiveSilos.Contains(w.Silo))))
            {
                return;
            }

            Assert.True(
                deadline.Elapsed < TimeSpan.FromSeconds(60),
                $"membership did not settle on {count} silos: " + string.Join("; ", views.Select(v => $"{v.Silo} sees {string.Join(",", v.ActiveSilos)}")));
            await Task.Delay(250);
        }
    }

    private static void AssertLogits(PlanDocument plan, IEncryptedModel compiled, double[] slots, int count)
    {
        var outputs = compiled.Unpack(slots, count);
        for (var r = 0; r < count; r++)
        {
            Assert.True(
                Math.Abs(outputs[r][0] - Oracle.Logits[r]) <= plan.Precision.ExpectedMaxAbsError,
                $"record {r}: {outputs[r][0]} vs sklearn {Oracle.Logits[r]}, bound {plan.Precision.ExpectedMaxAbsError}");
            Assert.Equal(Oracle.Classes[r], outputs[r][0] > 0 ? 1 : 0);
        }
    }
}
