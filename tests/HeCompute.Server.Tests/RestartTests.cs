using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>
/// A host stopped while a predict-batch job and a statistics job run: a new host on the same data directory resumes
/// both (the statistics job from its checkpointed partial aggregate, group sums of squares included), the results are
/// right, and no stored record is lost or corrupted.
/// </summary>
public sealed class RestartTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["HeCompute:Jobs:MaxConcurrency"] = "2",
        ["HeCompute:Analytics:StatisticsCheckpointInterval"] = "2",
    };

    [Fact]
    public async Task Jobs_interrupted_by_a_restart_resume_from_their_checkpoints_and_the_results_are_right()
    {
        using var directory = new TempDirectory();
        var rows = BreastCancerCohort.Shared.WithDiagnosis(BreastCancerCohort.Shared.Rows.Length);
        var oracle = BreastCancerModel.Shared;
        string secret, statisticsJob, predictJob;
        PlanDocument statisticsPlan, modelPlan;
        IReadOnlyList<DatasetBatchResponse> batchesBefore;
        KeySetResponse datasetKeys;
        string datasetId;
        using var statisticsClient = new PlanClientHolder();
        using var modelClient = new PlanClientHolder();
        const int inputs = 12;
        const int perInput = 3;
        // Both jobs are held once past the point the test stops the server at (the statistics job past its second
        // checkpoint: progress is reported after a checkpoint is saved), so the stop always lands mid-job.
        var batches = (rows.Length + 11) / 12;
        var gate = new ProgressGate(new Dictionary<string, double>
        {
            [StatisticsProtocol.JobKind] = 4.0 / (batches + 1),
            [PredictProtocol.BatchJobKind] = double.Epsilon,
        });
        var first = new HeComputeFactory(directory.Path, Settings, gate.Install);
        await using (first.ConfigureAwait(true))
        {
            using var tenant = await first.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
            secret = tenant.Secret;
            // With categories, so the checkpoint also carries the group sums of squares; 10 bits keep N = 8192.
            var dataset = await CohortDatasets.CreateAsync(tenant.Http, CohortDatasets.Request("restart", precisionBits: 10, categories: BreastCancerCohort.Diagnoses));
            Assert.Equal(8192, dataset.Plan.Parameters.PolyModulusDegree);
            (datasetId, statisticsPlan) = (dataset.Id, dataset.Plan);
            statisticsClient.Client = new PlanClient(statisticsPlan);
            datasetKeys = await DatasetTests.BindAsync(tenant.Http, datasetId, statisticsClient.Client);
            foreach (var chunk in rows.Chunk(12))
            {
                using var appended = await CohortDatasets.AppendAsync(tenant.Http, datasetId, statisticsClient.Client.Encrypt(CohortDatasets.Pack(statisticsPlan, chunk)), chunk.Length);
                Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
            }

            batchesBefore = await (await tenant.Http.GetAsync($"/v1/datasets/{datasetId}/batches")).ReadAsync<IReadOnlyList<DatasetBatchResponse>>();
            var model = await ModelTests.RegisterAsync(tenant.Http, shared: false);
            modelPlan = model.Plan;
            modelClient.Client = new PlanClient(modelPlan);
            using var keyForm = modelClient.Client.KeySetForm();
            var modelKeys = await Api.UploadAsync(tenant.Http, keyForm);
            var compiled = ModelPlanner.Compile(ModelDocument.Parse(oracle.ModelJson), modelPlan.Parameters.PolyModulusDegree / 2);
            using var form = new MultipartFormDataContent
            {
                { new StringContent(modelKeys.Id), PredictProtocol.KeySetId },
                { new StringContent(string.Join(',', Enumerable.Repeat(perInput, inputs))), PredictProtocol.Records },
            };
            for (var i = 0; i < inputs; i++)
            {
                form.Add(new ByteArrayContent(modelClient.Client.Encrypt(compiled.Pack(oracle.Records[(i * perInput)..((i + 1) * perInput)]))), PredictProtocol.Input, $"{i}.seal");
            }

            using (var submitted = await tenant.Http.PostAsJsonAsync($"/v1/datasets/{datasetId}/statistics", new StatisticsRequest(), HeComputeJson.Options))
            {
                statisticsJob = (await submitted.ReadAsync<JobResponse>()).Id;
            }

            // Past the second checkpoint (progress is reported after a checkpoint is saved), where the gate holds it; the
            // predict job starts then and is held after its first input.
            await Api.WaitForJobAsync(tenant.Http, statisticsJob, j => j.State == JobState.Running && j.Progress >= 4.0 / (batchesBefore.Count + 1), timeoutSeconds: 120);
            using (var submitted = await tenant.Http.PostAsync($"/v1/models/{model.Id}/predict-jobs", form))
            {
                predictJob = (await submitted.ReadAsync<JobResponse>()).Id;
            }

            await Api.WaitForJobAsync(tenant.Http, predictJob, j => j.State == JobState.Running && j.Progress > 0, timeoutSeconds: 120);
            Assert.Equal(JobState.Running, (await tenant.Http.GetFromJsonAsync<JobResponse>($"/v1/jobs/{statisticsJob}", HeComputeJson.Options))!.State);
        }

        using var second = new HeComputeFactory(directory.Path, Settings);
        using var client = second.Client(secret);
        var statistics = await Api.WaitForJobAsync(client, statisticsJob, j => j.State is JobState.Succeeded or JobState.Failed, timeoutSeconds: 300);
        var predictions = await Api.WaitForJobAsync(client, predictJob, j => j.State is JobState.Succeeded or JobState.Failed, timeoutSeconds: 300);
        Assert.True(statistics.State == JobState.Succeeded, statistics.Error);
        Assert.True(predictions.State == JobState.Succeeded, predictions.Error);
        Assert.Equal((2, 2), (statistics.Attempts, predictions.Attempts));
        Assert.Contains(second.Logs.Messages, m => m.Contains($"Statistics job {statisticsJob} resumed from its checkpoint after", StringComparison.Ordinal));

        // The statistics of the resumed job are those of all 569 records, group variances included.
        var output = statistics.Output!.Value.Deserialize<StatisticsJobOutput>(HeComputeJson.Options)!;
        Assert.Equal((rows.Length, batchesBefore.Count), (output.Records, output.Batches));
        var decrypted = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in output.Results)
        {
            decrypted[name] = statisticsClient.Client.Decrypt(await client.GetByteArrayAsync($"/v1/jobs/{statisticsJob}/results/{name}"));
        }

        DatasetTests.AssertMoments(statisticsPlan, [.. output.Results.Select(name => decrypted[name])], rows);
        Assert.Contains(StatisticsProtocol.GroupSquares(1), output.Results);
        DatasetTests.AssertGroupVariances(statisticsPlan, decrypted, rows);

        // Every prediction output is there and equals sklearn's logits within the plan's bound.
        Assert.Equal(Enumerable.Range(0, inputs).Select(PredictProtocol.OutputName), predictions.Results.Select(r => r.Name));
        var compiledAgain = ModelPlanner.Compile(ModelDocument.Parse(oracle.ModelJson), modelPlan.Parameters.PolyModulusDegree / 2);
        for (var i = 0; i < inputs; i++)
        {
            var logits = compiledAgain.Unpack(modelClient.Client.Decrypt(await client.GetByteArrayAsync($"/v1/jobs/{predictJob}/results/{PredictProtocol.OutputName(i)}")), perInput);
            for (var r = 0; r < perInput; r++)
            {
                var expected = oracle.Logits[(i * perInput) + r];
                Assert.True(Math.Abs(logits[r][0] - expected) <= modelPlan.Precision.ExpectedMaxAbsError, $"input {i} record {r}: {logits[r][0]} vs {expected}");
            }
        }

        // Stored records survived: the batches (ids and hashes), the key set, and the audit chains.
        var batchesAfter = await (await client.GetAsync($"/v1/datasets/{datasetId}/batches")).ReadAsync<IReadOnlyList<DatasetBatchResponse>>();
        Assert.Equal(batchesBefore.Select(b => (b.Id, b.Sha256, b.Records)), batchesAfter.Select(b => (b.Id, b.Sha256, b.Records)));
        var keys = await (await client.GetAsync($"/v1/keysets/{datasetKeys.Id}")).ReadAsync<KeySetResponse>();
        Assert.Equal(datasetKeys.Parts.Select(p => p.Sha256), keys.Parts.Select(p => p.Sha256));
        foreach (var sha in batchesAfter.Select(b => b.Sha256).Concat(keys.Parts.Select(p => p.Sha256)))
        {
            Assert.True(File.Exists(Path.Combine(directory.Path, "blobs", "sha256", sha[..2], sha)));
            Assert.Equal(sha, Api.Sha256Hex(await Api.StoredBlobAsync(second, sha)));
        }

        using var admin = second.Admin();
        var audit = await (await admin.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(audit.Valid, audit.Reason);
    }

    /// <summary>Disposes a plan client created inside the first host's scope once the test is over.</summary>
    private sealed class PlanClientHolder : IDisposable
    {
        public PlanClient Client { get; set; } = null!;

        public void Dispose() => Client?.Dispose();
    }
}
