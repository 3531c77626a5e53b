using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HeCompute.Server.Tests;

/// <summary>
/// Encrypted cohorts through HTTP: an owner and a contributor append breast-cancer records, the server computes the
/// moments (and, when planned, finishes them under encryption), the owner decrypts; compared with double precision
/// on the plain records.
/// </summary>
public sealed class DatasetTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    private static BreastCancerCohort Cohort => BreastCancerCohort.Shared;

    [Fact]
    public async Task An_owner_and_a_contributor_append_and_the_owner_decrypts_exact_statistics()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        using var contributor = await Factory.NewTenantAsync(Roles.Hospital);
        var dataset = await CohortDatasets.CreateAsync(owner.Http, CohortDatasets.Request("cohort"));
        var plan = dataset.Plan;
        Assert.Equal("statistics", plan.Subject);
        Assert.Equal([.. BreastCancerCohort.Features, "count"], dataset.Columns);
        Assert.Equal(8192, plan.Parameters.PolyModulusDegree);
        using var client = new PlanClient(plan);
        await BindAsync(owner.Http, dataset.Id, client);
        using (var added = await owner.Http.PostAsJsonAsync($"/v1/datasets/{dataset.Id}/contributors", new AddContributorRequest(contributor.TenantId), HeComputeJson.Options))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        // The contributor reads the plan and the owner's public key, and encrypts its records under it.
        var seen = await (await contributor.Http.GetAsync($"/v1/datasets/{dataset.Id}")).ReadAsync<DatasetResponse>();
        Assert.False(seen.Owned);
        Assert.Null(seen.KeySetId);
        var publicKey = await contributor.Http.GetByteArrayAsync($"/v1/datasets/{dataset.Id}/public-key");
        Assert.Equal(client.PublicKeyBytes, publicKey);
        using var encryptor = new PublicKeyEncryptor(seen.Plan, publicKey);

        var rows = Cohort.Rows;
        (HttpClient Http, Func<double[], byte[]> Encrypt, int From, int To)[] appends =
        [
            (owner.Http, s => client.Encrypt(s), 0, 150),
            (contributor.Http, encryptor.Encrypt, 150, 300),
            (owner.Http, s => client.Encrypt(s), 300, 450),
            (contributor.Http, encryptor.Encrypt, 450, rows.Length),
        ];
        foreach (var (http, encrypt, from, to) in appends)
        {
            using var appended = await CohortDatasets.AppendAsync(http, dataset.Id, encrypt(CohortDatasets.Pack(plan, rows[from..to])), to - from);
            Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
        }

        var batches = await (await owner.Http.GetAsync($"/v1/datasets/{dataset.Id}/batches")).ReadAsync<IReadOnlyList<DatasetBatchResponse>>();
        Assert.Equal([150, 150, 150, rows.Length - 450], batches.Select(b => b.Records).ToArray());
        Assert.Equal([owner.TenantId, contributor.TenantId, owner.TenantId, contributor.TenantId], batches.Select(b => b.ContributorTenantId).ToArray());
        var totals = await (await owner.Http.GetAsync($"/v1/datasets/{dataset.Id}")).ReadAsync<DatasetResponse>();
        Assert.Equal((4, (long)rows.Length), (totals.Batches, totals.Records));

        var job = await RunStatisticsAsync(owner.Http, dataset.Id, new StatisticsRequest());
        var result = job.Output!.Value.Deserialize<StatisticsJobOutput>(HeComputeJson.Options)!;
        Assert.Equal(new[] { "sums", "products-0", "products-1", "products-2", "products-3" }, result.Results);
        Assert.Equal((rows.Length, 4, 0), (result.Records, result.Batches, result.NoiseFloodingBits));
        Assert.Equal(result.Results, job.Results.Select(r => r.Name));
        var decrypted = new List<double[]>();
        foreach (var name in result.Results)
        {
            decrypted.Add(client.Decrypt(await owner.Http.GetByteArrayAsync($"/v1/jobs/{job.Id}/results/{name}")));
        }

        AssertMoments(plan, decrypted, rows);
    }

    [Fact]
    public async Task A_dataset_with_categories_returns_group_sums_of_squares_that_give_exact_group_variances()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        // 10 bits and 100 records keep the group circuit (4 levels) at N = 8192.
        var dataset = await CohortDatasets.CreateAsync(owner.Http, CohortDatasets.Request("groups", maxRecords: 100, precisionBits: 10, categories: BreastCancerCohort.Diagnoses));
        var plan = dataset.Plan;
        Assert.Equal([.. BreastCancerCohort.Features, "count", .. BreastCancerCohort.Diagnoses], dataset.Columns);
        Assert.Equal(8192, plan.Parameters.PolyModulusDegree);
        using var client = new PlanClient(plan);
        await BindAsync(owner.Http, dataset.Id, client);

        // Two batches, so the group squares of a batch are also added to a running total.
        const int n = 100;
        var rows = Cohort.WithDiagnosis(n);
        foreach (var (from, to) in new[] { (0, 60), (60, n) })
        {
            using var appended = await CohortDatasets.AppendAsync(owner.Http, dataset.Id, client.Encrypt(CohortDatasets.Pack(plan, rows[from..to])), to - from);
            Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
        }

        var job = await RunStatisticsAsync(owner.Http, dataset.Id, new StatisticsRequest());
        var result = job.Output!.Value.Deserialize<StatisticsJobOutput>(HeComputeJson.Options)!;
        var m = dataset.Columns.Count;
        string[] names = [StatisticsProtocol.Sums, .. Enumerable.Range(0, m).Select(StatisticsProtocol.Products), StatisticsProtocol.GroupSquares(0), StatisticsProtocol.GroupSquares(1)];
        Assert.Equal(names, result.Results);
        Assert.Equal(result.Results, job.Results.Select(r => r.Name));
        var decrypted = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in result.Results)
        {
            var bytes = await owner.Http.GetByteArrayAsync($"/v1/jobs/{job.Id}/results/{name}");
            using (var ciphertext = new Ciphertext())
            {
                using var stream = new MemoryStream(bytes);
                ciphertext.Load(client.Context, stream);
                Assert.Equal(plan.Output.Level, client.Context.GetLevel(ciphertext.ParmsId)!.ChainIndex);
            }

            decrypted[name] = client.Decrypt(bytes);
        }

        AssertMoments(plan, [.. result.Results.Select(name => decrypted[name])], rows);
        var worst = AssertGroupVariances(plan, decrypted, rows);
        output.WriteLine($"N = {plan.Parameters.PolyModulusDegree}, primes [{string.Join(", ", plan.Parameters.CoeffModulusBits)}]; worst group variance error / propagated bound {worst:F4}");
    }

    [Fact]
    public async Task Noise_flooded_statistics_stay_within_the_planned_bound()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        var dataset = await CohortDatasets.CreateAsync(owner.Http, CohortDatasets.Request("flooded", noiseFlooding: true, maxRecords: 4, precisionBits: 1));
        var plan = dataset.Plan;
        Assert.True(dataset.NoiseFlooding);
        using var client = new PlanClient(plan);
        await BindAsync(owner.Http, dataset.Id, client);
        // The planner adds 33 scale bits for flooding under a 60-bit first prime, so sums must stay tiny: 4 records, 1 bit.
        var rows = Cohort.Rows[..4];
        using (var appended = await CohortDatasets.AppendAsync(owner.Http, dataset.Id, client.Encrypt(CohortDatasets.Pack(plan, rows)), rows.Length))
        {
            Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
        }

        var job = await RunStatisticsAsync(owner.Http, dataset.Id, new StatisticsRequest(NoiseFlooding: true));
        var result = job.Output!.Value.Deserialize<StatisticsJobOutput>(HeComputeJson.Options)!;
        Assert.True(result.NoiseFloodingBits > 0);
        var decrypted = new List<double[]>();
        foreach (var name in result.Results)
        {
            decrypted.Add(client.Decrypt(await owner.Http.GetByteArrayAsync($"/v1/jobs/{job.Id}/results/{name}")));
        }

        output.WriteLine($"N = {plan.Parameters.PolyModulusDegree}, primes [{string.Join(", ", plan.Parameters.CoeffModulusBits)}], flooding {result.NoiseFloodingBits} bits");
        // Flooding shows in the unused slots too: Gaussians of σ ≈ 2^bits / Δ (within a factor 2), where an unflooded
        // result holds only CKKS noise 2^30 times smaller; the largest of thousands of such slots exceeds σ/2.
        var sigma = Math.Pow(2, result.NoiseFloodingBits) / plan.Parameters.Scale;
        var unused = decrypted[0].Skip(dataset.Columns.Count).Max(Math.Abs);
        Assert.True(unused > sigma / 4, $"unused slots {unused}, σ ≈ {sigma}");
        var n = rows.Length;
        for (var c = 0; c < BreastCancerCohort.Features.Length; c++)
        {
            var s = plan.Input.ScaleBy![c];
            var error = Math.Abs((decrypted[0][c] / n) - (BreastCancerCohort.Mean(rows, c) / s));
            Assert.True(error <= plan.Precision.ExpectedMaxAbsError, $"feature {c}: mean error {error} > {plan.Precision.ExpectedMaxAbsError}");
        }
    }

    [Fact]
    public async Task Strangers_get_404_everywhere_and_contributors_everywhere_but_the_plan_the_public_key_and_appends()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        using var contributor = await Factory.NewTenantAsync(Roles.Hospital);
        using var stranger = await Factory.NewTenantAsync(Roles.Hospital);
        var dataset = await CohortDatasets.CreateAsync(owner.Http, CohortDatasets.Request("isolated"));
        using var client = new PlanClient(dataset.Plan);
        var keySet = await BindAsync(owner.Http, dataset.Id, client);
        using (var added = await owner.Http.PostAsJsonAsync($"/v1/datasets/{dataset.Id}/contributors", new AddContributorRequest(contributor.TenantId), HeComputeJson.Options))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        var batch = client.Encrypt(CohortDatasets.Pack(dataset.Plan, Cohort.Rows[..10]));
        using (var appended = await CohortDatasets.AppendAsync(owner.Http, dataset.Id, batch, 10))
        {
            Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
        }

        var id = dataset.Id;
        var calls = new (string Name, bool ContributorAllowed, Func<HttpClient, Task<HttpResponseMessage>> Call)[]
        {
            ("get", true, h => h.GetAsync($"/v1/datasets/{id}")),
            ("public-key", true, h => h.GetAsync($"/v1/datasets/{id}/public-key")),
            ("append", true, h => CohortDatasets.AppendAsync(h, id, batch, 10)),
            ("delete", false, h => h.DeleteAsync($"/v1/datasets/{id}")),
            ("bind", false, h => h.PutAsJsonAsync($"/v1/datasets/{id}/keyset", new BindKeySetRequest(keySet.Id), HeComputeJson.Options)),
            ("contributors", false, h => h.PostAsJsonAsync($"/v1/datasets/{id}/contributors", new AddContributorRequest(stranger.TenantId), HeComputeJson.Options)),
            ("batches", false, h => h.GetAsync($"/v1/datasets/{id}/batches")),
            ("statistics", false, h => h.PostAsJsonAsync($"/v1/datasets/{id}/statistics", new StatisticsRequest(), HeComputeJson.Options)),
        };
        foreach (var (name, contributorAllowed, call) in calls)
        {
            using (var response = await call(stranger.Http))
            {
                var problem = await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
                Assert.DoesNotContain(owner.TenantId, problem.ToString(), StringComparison.Ordinal);
            }

            using (var response = await call(contributor.Http))
            {
                if (contributorAllowed)
                {
                    Assert.True(response.IsSuccessStatusCode, $"contributor {name}: {response.StatusCode}");
                }
                else
                {
                    await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
                }
            }
        }

        Assert.DoesNotContain((await (await stranger.Http.GetAsync("/v1/datasets")).ReadAsync<DatasetListResponse>()).Items, d => d.Id == id);
        var contributed = Assert.Single((await (await contributor.Http.GetAsync("/v1/datasets")).ReadAsync<DatasetListResponse>()).Items, d => d.Id == id);
        Assert.False(contributed.Owned);

        // Nothing the others tried changed the dataset: the owner's two batches (its own and the contributor's) remain.
        var batches = await (await owner.Http.GetAsync($"/v1/datasets/{id}/batches")).ReadAsync<IReadOnlyList<DatasetBatchResponse>>();
        Assert.Equal([owner.TenantId, contributor.TenantId], batches.Select(b => b.ContributorTenantId).ToArray());
        using var deleted = await owner.Http.DeleteAsync($"/v1/datasets/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await contributor.Http.GetAsync($"/v1/datasets/{id}");
        await Api.AssertProblemAsync(gone, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Bad_inputs_get_specific_problems()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        var dataset = await CohortDatasets.CreateAsync(owner.Http, CohortDatasets.Request("bad inputs", maxRecords: 20));
        var id = dataset.Id;
        using var client = new PlanClient(dataset.Plan);
        var good = client.Encrypt(CohortDatasets.Pack(dataset.Plan, Cohort.Rows[..10]));

        async Task<JsonElement> ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string type)
        {
            using var response = await call;
            return await Api.AssertProblemAsync(response, status, type);
        }

        // Definitions the planner refuses.
        await ExpectAsync(owner.Http.PostAsJsonAsync("/v1/datasets", CohortDatasets.Request("x") with { Upper = [1, 1, 1] }, HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        await ExpectAsync(owner.Http.PostAsJsonAsync("/v1/datasets", CohortDatasets.Request("x") with { Features = ["a", "a", "b"] }, HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.Validation);

        // Before a key set is bound: no public key, no appends, no statistics.
        await ExpectAsync(owner.Http.GetAsync($"/v1/datasets/{id}/public-key"), HttpStatusCode.Conflict, ProblemTypes.Conflict);
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, good, 10), HttpStatusCode.Conflict, ProblemTypes.Conflict);

        // Key sets of other parameters, or without a public key, are refused.
        using (var otherForm = Api.FullKeySet(KeyMaterial.Shared))
        {
            var other = await Api.UploadAsync(owner.Http, otherForm);
            await ExpectAsync(owner.Http.PutAsJsonAsync($"/v1/datasets/{id}/keyset", new BindKeySetRequest(other.Id), HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.ParmsMismatch);
        }

        using (var noPublic = Api.KeySetForm((KeySetParts.Parms, client.ParmsBytes), (KeySetParts.RelinKeys, client.RelinKeysBytes!), (KeySetParts.GaloisKeys, client.GaloisKeysBytes!)))
        {
            var partial = await Api.UploadAsync(owner.Http, noPublic);
            var problem = await ExpectAsync(owner.Http.PutAsJsonAsync($"/v1/datasets/{id}/keyset", new BindKeySetRequest(partial.Id), HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.MissingKey);
            Assert.Contains("public key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await ExpectAsync(owner.Http.PutAsJsonAsync($"/v1/datasets/{id}/keyset", new BindKeySetRequest("ks_missing"), HeComputeJson.Options), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await BindAsync(owner.Http, id, client);
        await ExpectAsync(owner.Http.PostAsJsonAsync($"/v1/datasets/{id}/statistics", new StatisticsRequest(), HeComputeJson.Options), HttpStatusCode.Conflict, ProblemTypes.Conflict);

        // Batches: record counts outside the plan, malformed or foreign ciphertexts, a secret key, the declared maximum.
        var perCiphertext = dataset.Plan.Input.RecordsPerCiphertext;
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, good, perCiphertext + 1), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, good, 0), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, good[..(good.Length / 2)], 10), HttpStatusCode.BadRequest, ProblemTypes.MalformedSealObject);
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, [.. "not a ciphertext"u8], 10), HttpStatusCode.BadRequest, ProblemTypes.MalformedSealObject);
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, client.SecretKeyBytes, 10), HttpStatusCode.BadRequest, ProblemTypes.SecretKeyRefused);
        await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, new byte[(2 * dataset.Plan.Sizes.InputCiphertextBytes) + 65537], 10), HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        using (var foreign = new PlanClient(KeyMaterialPlan()))
        {
            var problem = await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, foreign.Encrypt([0.5]), 10), HttpStatusCode.BadRequest, ProblemTypes.ParmsMismatch);
            output.WriteLine(problem.GetProperty("detail").GetString());
            Assert.Contains("parms_id", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var ok = await CohortDatasets.AppendAsync(owner.Http, id, good, 10))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        var tooMany = await ExpectAsync(CohortDatasets.AppendAsync(owner.Http, id, good, 11), HttpStatusCode.Conflict, ProblemTypes.Conflict);
        Assert.Contains("20", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(10, (await (await owner.Http.GetAsync($"/v1/datasets/{id}")).ReadAsync<DatasetResponse>()).Records);
        await ExpectAsync(owner.Http.PostAsJsonAsync($"/v1/datasets/{id}/statistics", new StatisticsRequest(EncryptedFinish: true), HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        await ExpectAsync(owner.Http.PostAsJsonAsync($"/v1/datasets/{id}/statistics", new StatisticsRequest(NoiseFlooding: true), HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        await ExpectAsync(owner.Http.PostAsJsonAsync($"/v1/datasets/{id}/contributors", new AddContributorRequest(owner.TenantId), HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        await ExpectAsync(owner.Http.PostAsJsonAsync($"/v1/datasets/{id}/contributors", new AddContributorRequest("t_missing"), HeComputeJson.Options), HttpStatusCode.BadRequest, ProblemTypes.Validation);
    }

    /// <summary>Uploads the client's key set and binds it to the dataset.</summary>
    internal static async Task<KeySetResponse> BindAsync(HttpClient http, string datasetId, PlanClient client)
    {
        using var form = client.KeySetForm();
        var keySet = await Api.UploadAsync(http, form);
        using var bound = await http.PutAsJsonAsync($"/v1/datasets/{datasetId}/keyset", new BindKeySetRequest(keySet.Id), HeComputeJson.Options);
        Assert.Equal(keySet.Id, (await bound.ReadAsync<DatasetResponse>()).KeySetId);
        return keySet;
    }

    /// <summary>Requests statistics and waits for the job to succeed.</summary>
    internal static async Task<JobResponse> RunStatisticsAsync(HttpClient http, string datasetId, StatisticsRequest request)
    {
        using var submitted = await http.PostAsJsonAsync($"/v1/datasets/{datasetId}/statistics", request, HeComputeJson.Options);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = await submitted.ReadAsync<JobResponse>();
        Assert.Equal(StatisticsProtocol.JobKind, job.Kind);
        var done = await Api.WaitForJobAsync(http, job.Id, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled, timeoutSeconds: 300);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        return done;
    }

    /// <summary>
    /// Group counts and sample variances from the decrypted <c>sums</c>, <c>products-k</c> and <c>group-squares-i</c>,
    /// computed as the SDK does (CohortStatisticsResult.FromMoments), against two-pass double precision on
    /// <paramref name="rows"/> (features, count, then the indicators). Every sum is within √n·B in scaled units (the
    /// planner's noise model: independent per-record errors); the variance's bound propagates those through
    /// (Σ I_g·x_c² − (Σ I_g·x_c)²/n_g)/(n_g − 1) to first order. Returns the worst error over its bound.
    /// </summary>
    internal static double AssertGroupVariances(PlanDocument plan, IReadOnlyDictionary<string, double[]> decrypted, IReadOnlyList<double[]> rows)
    {
        var s = plan.Input.ScaleBy!;
        var features = BreastCancerCohort.Features.Length;
        var indicators = s.Count - features - 1;
        var e = Math.Sqrt(rows.Count) * plan.Precision.ExpectedMaxAbsError;
        double worst = 0;
        for (var i = 0; i < indicators; i++)
        {
            var g = features + 1 + i;
            var squares = decrypted[StatisticsProtocol.GroupSquares(i)];
            Assert.True(squares.Skip(features).Max(Math.Abs) <= e, $"group-squares-{i}: unused slots hold {squares.Skip(features).Max(Math.Abs)}");
            var members = rows.Where(r => r[g] == 1).ToArray();
            var count = decrypted[StatisticsProtocol.Sums][g] * s[g];
            Assert.True(Math.Abs(count - members.Length) <= e, $"group {g}: count {count} vs {members.Length}");
            for (var c = 0; c < features; c++)
            {
                var sum = decrypted[StatisticsProtocol.Products(g - c)][c] * s[c] * s[g];
                var variance = ((squares[c] * s[c] * s[c] * s[g]) - (sum * sum / count)) / (count - 1);
                var mean = members.Average(r => r[c]);
                var exact = members.Sum(r => (r[c] - mean) * (r[c] - mean)) / (members.Length - 1);
                var bound = e * ((s[c] * s[c]) + (2 * Math.Abs(mean) * s[c]) + (mean * mean) + exact) / (members.Length - 1);
                worst = Math.Max(worst, Math.Abs(variance - exact) / bound);
                Assert.True(Math.Abs(variance - exact) <= bound, $"group {g}, feature {c}: variance {variance} vs {exact}, bound {bound}");
            }
        }

        return worst;
    }

    /// <summary>
    /// Count, means, variances, covariances and correlations from the decrypted sums and products, against double
    /// precision. The plan bounds every sum divided by n by B (scaled units), so a sum is within n·B·scale; the
    /// statistics' bounds follow by propagating those errors through their formulas.
    /// </summary>
    internal static void AssertMoments(PlanDocument plan, IReadOnlyList<double[]> decrypted, IReadOnlyList<double[]> rows)
    {
        var features = BreastCancerCohort.Features.Length;
        var n = rows.Count;
        var s = plan.Input.ScaleBy!;
        var sumError = n * plan.Precision.ExpectedMaxAbsError;
        Assert.True(Math.Abs(decrypted[0][features] - n) <= sumError, $"count {decrypted[0][features]} vs {n}");
        double Sum(int c) => decrypted[0][c] * s[c];
        double Cross(int a, int b) => decrypted[1 + Math.Abs(b - a)][Math.Min(a, b)] * s[a] * s[b];
        double Cov(int a, int b) => (Cross(a, b) - (Sum(a) * Sum(b) / n)) / (n - 1);
        double CovBound(int a, int b)
        {
            var (ma, mb) = (Math.Abs(BreastCancerCohort.Mean(rows, a)), Math.Abs(BreastCancerCohort.Mean(rows, b)));
            return sumError * ((s[a] * s[b]) + (ma * s[b]) + (mb * s[a]) + (sumError * s[a] * s[b] / n)) / (n - 1);
        }

        for (var a = 0; a < features; a++)
        {
            var mean = Sum(a) / n;
            Assert.True(Math.Abs(mean - BreastCancerCohort.Mean(rows, a)) <= sumError * s[a] / n, $"mean {a}: {mean}");
            for (var b = a; b < features; b++)
            {
                var exact = BreastCancerCohort.Covariance(rows, a, b);
                var error = Math.Abs(Cov(a, b) - exact);
                Assert.True(error <= CovBound(a, b), $"covariance ({a}, {b}): {Cov(a, b)} vs {exact}, bound {CovBound(a, b)}");
                if (a == b)
                {
                    continue;
                }

                var (va, vb) = (BreastCancerCohort.Covariance(rows, a, a), BreastCancerCohort.Covariance(rows, b, b));
                var r = Cov(a, b) / Math.Sqrt(Cov(a, a) * Cov(b, b));
                var exactR = exact / Math.Sqrt(va * vb);
                var rBound = 1.01 * (CovBound(a, b) + (Math.Abs(exactR) * 0.5 * ((CovBound(a, a) * Math.Sqrt(vb / va)) + (CovBound(b, b) * Math.Sqrt(va / vb))))) / Math.Sqrt(va * vb);
                Assert.True(Math.Abs(r - exactR) <= rBound, $"correlation ({a}, {b}): {r} vs {exactR}, bound {rBound}");
            }
        }
    }

    /// <summary>A plan for the shared engine key material's parameters (N = 8192, other primes than any dataset's).</summary>
    private static PlanDocument KeyMaterialPlan()
    {
        var parms = Convert.ToBase64String(KeyMaterial.Shared.Parms);
        return new PlanDocument
        {
            Subject = "statistics",
            Parameters = new PlanParameters(8192, [60, 40, 40, 60], [], Math.Pow(2, 40), 128, KeyMaterial.Shared.ParmsId, parms),
            Keys = new PlanKeys(false, [], []),
            Input = new PlanInput(["x"], null, null, null, null, 1, 1, [0], 0, 1),
            Output = new PlanOutput(["x"], [0], "moments", 0, Math.Pow(2, 40)),
            Precision = new PlanPrecision(0, 0, 20, 0, 0),
            Sizes = new PlanSizes(0, 0, 0, 0, 0, 0),
        };
    }
}
