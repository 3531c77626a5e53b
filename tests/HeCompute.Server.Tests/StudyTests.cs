using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>
/// A joint study through HTTP with three hospitals: key ceremony, records under the collective key, statistics, a
/// release to a fourth tenant (the querier) that decrypts exact moments; re-sent, foreign and strangers' requests refused.
/// </summary>
public sealed class StudyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public async Task Three_hospitals_run_a_study_and_release_exact_moments_to_a_querier()
    {
        using var a = await Factory.NewTenantAsync(Roles.Hospital);
        using var b = await Factory.NewTenantAsync(Roles.Hospital);
        using var c = await Factory.NewTenantAsync(Roles.Hospital);
        using var querier = await Factory.NewTenantAsync(Roles.Hospital);
        using var stranger = await Factory.NewTenantAsync(Roles.Hospital);
        var d = CohortDatasets.Request("cohort");
        using var created = await a.Http.PostAsJsonAsync(
            "/v1/studies", new CreateStudyRequest("joint", [b.TenantId, c.TenantId], d.Features, d.Lower, d.Upper, MaxRecords: 1000), HeComputeJson.Options);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var study = await created.ReadAsync<StudyResponse>();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/v1/studies/{study.Id}")).StatusCode);

        HttpClient[] https = [a.Http, b.Http, c.Http];
        using (var early = await Post(b.Http, $"/v1/studies/{study.Id}/rounds/ckg/shares", [1, 2, 3]))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        foreach (var http in https)
        {
            using var joined = await http.PostAsync($"/v1/studies/{study.Id}/join", null);
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }

        var parameters = ParametersOf(study.Plan);
        var session = new MultipartySession(parameters, new CommonReference(Convert.FromBase64String(study.CommonSeed)), 3);
        var secrets = new SecretKey[3];
        for (var i = 0; i < 3; i++)
        {
            using var generator = new KeyGenerator(parameters);
            secrets[i] = generator.SecretKey;
        }

        var ckg = new PublicKeyProtocol(session);
        var rkg = new RelinKeyProtocol(session);
        var rtg = new GaloisKeyProtocol(session);
        for (var i = 0; i < 3; i++)
        {
            await Submit(https[i], $"/v1/studies/{study.Id}/rounds/ckg/shares", Bytes(ckg.GenerateShare(secrets[i], i).Save));
        }

        // A re-sent share, a share of another round, of another party and of another study are refused.
        using (var resent = await Post(a.Http, $"/v1/studies/{study.Id}/rounds/ckg/shares", Bytes(ckg.GenerateShare(secrets[0], 0).Save)))
        {
            await AssertProblem(resent, HttpStatusCode.Conflict, ProblemTypes.ShareResent);
        }

        using (var wrongRound = await Post(a.Http, $"/v1/studies/{study.Id}/rounds/rkg-1/shares", Bytes(ckg.GenerateShare(secrets[0], 0).Save)))
        {
            await AssertProblem(wrongRound, (HttpStatusCode)422, ProblemTypes.ShareMismatch);
        }

        using (var wrongParty = await Post(a.Http, $"/v1/studies/{study.Id}/rounds/rkg-1/shares", Bytes(rkg.GenerateRoundOne(secrets[1], 1).Save)))
        {
            await AssertProblem(wrongParty, (HttpStatusCode)422, ProblemTypes.ShareMismatch);
        }

        var otherSession = new MultipartySession(parameters, CommonReference.CreateRandom(), 3);
        using (var otherStudy = await Post(a.Http, $"/v1/studies/{study.Id}/rounds/rkg-1/shares", Bytes(new RelinKeyProtocol(otherSession).GenerateRoundOne(secrets[0], 0).Save)))
        {
            await AssertProblem(otherStudy, (HttpStatusCode)422, ProblemTypes.ShareMismatch);
        }

        using (var strangers = await Post(stranger.Http, $"/v1/studies/{study.Id}/rounds/rkg-1/shares", Bytes(rkg.GenerateRoundOne(secrets[0], 0).Save)))
        {
            Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            await Submit(https[i], $"/v1/studies/{study.Id}/rounds/rkg-1/shares", Bytes(rkg.GenerateRoundOne(secrets[i], i).Save));
        }

        var aggregateBytes = await b.Http.GetByteArrayAsync($"/v1/studies/{study.Id}/keys/rkg-1");
        Share aggregate;
        using (var stream = new MemoryStream(aggregateBytes))
        {
            aggregate = Share.Load(session, ShareKind.RelinearizationRoundOne, stream);
        }

        for (var i = 0; i < 3; i++)
        {
            await Submit(https[i], $"/v1/studies/{study.Id}/rounds/rkg-2/shares", Bytes(rkg.GenerateRoundTwo(secrets[i], i, aggregate).Save));
            foreach (var element in study.GaloisElements)
            {
                await Submit(https[i], $"/v1/studies/{study.Id}/rounds/rtg/shares?element={element}", Bytes(rtg.GenerateShare(secrets[i], i, element).Save));
            }
        }

        var ready = await (await c.Http.GetAsync($"/v1/studies/{study.Id}")).ReadAsync<StudyResponse>();
        Assert.NotNull(ready.KeySetId);
        Assert.All(ready.Rounds, r => Assert.True(r.Complete && r.Parties.Count == 3, r.Round));

        var publicKey = await c.Http.GetByteArrayAsync($"/v1/studies/{study.Id}/keys/public_key");
        var rows = BreastCancerCohort.Shared.Rows;
        using var encryptor = new PublicKeyEncryptor(study.Plan, publicKey);
        var per = rows.Length / 3;
        for (var i = 0; i < 3; i++)
        {
            var part = rows[(i * per)..(i == 2 ? rows.Length : (i + 1) * per)];
            await Submit(https[i], $"/v1/studies/{study.Id}/batches?records={part.Length}", encryptor.Encrypt(CohortDatasets.Pack(study.Plan, part)));
        }

        using var submitted = await b.Http.PostAsJsonAsync($"/v1/studies/{study.Id}/statistics", new StatisticsRequest(), HeComputeJson.Options);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = await submitted.ReadAsync<JobResponse>();
        for (var wait = 0; wait < 600 && job.State is not (JobState.Succeeded or JobState.Failed); wait++)
        {
            await Task.Delay(500);
            job = await (await b.Http.GetAsync($"/v1/studies/{study.Id}/jobs/{job.Id}")).ReadAsync<JobResponse>();
        }

        Assert.True(job.State == JobState.Succeeded, job.Error);

        // The querier's own key pair; the release switches the encrypted sums to it.
        using var querierKeys = new KeyGenerator(parameters);
        using var querierPublic = querierKeys.CreatePublicKey();
        var querierKeyBytes = Bytes(querierPublic.Save);
        using var requested = await Post(c.Http, $"/v1/studies/{study.Id}/releases?job_id={job.Id}&result=sums&querier={querier.TenantId}", querierKeyBytes);
        Assert.True(requested.StatusCode == HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
        var release = await requested.ReadAsync<StudyReleaseResponse>();
        var ciphertextBytes = await a.Http.GetByteArrayAsync($"/v1/studies/{study.Id}/releases/{release.Id}/ciphertext");
        using var ciphertext = new Ciphertext();
        using (var stream = new MemoryStream(ciphertextBytes))
        {
            ciphertext.Load(parameters, stream);
        }

        var pcks = new PublicKeySwitchProtocol(session, new NoiseFlooding(1 << 10));
        for (var i = 0; i < 2; i++)
        {
            await Submit(https[i], $"/v1/studies/{study.Id}/releases/{release.Id}/shares", Bytes(pcks.GenerateShare(secrets[i], i, ciphertext, querierPublic).Save));
        }

        // Two of three shares: nothing is released yet.
        using (var early = await querier.Http.GetAsync($"/v1/studies/{study.Id}/releases/{release.Id}/result"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        await Submit(https[2], $"/v1/studies/{study.Id}/releases/{release.Id}/shares", Bytes(pcks.GenerateShare(secrets[2], 2, ciphertext, querierPublic).Save));
        Assert.Equal(HttpStatusCode.NotFound, (await a.Http.GetAsync($"/v1/studies/{study.Id}/releases/{release.Id}/result")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/v1/studies/{study.Id}/releases/{release.Id}/result")).StatusCode);
        var released = await querier.Http.GetByteArrayAsync($"/v1/studies/{study.Id}/releases/{release.Id}/result");

        var sums = Decrypt(parameters, querierKeys.SecretKey, released);
        var expected = new double[study.Plan.Input.Features.Count];
        foreach (var row in rows)
        {
            var packed = CohortDatasets.Pack(study.Plan, [row]);
            for (var k = 0; k < expected.Length; k++)
            {
                expected[k] += packed[k];
            }
        }

        var bound = (Math.Sqrt(rows.Length) * study.Plan.Precision.ExpectedMaxAbsError) + 1e-3;
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(sums[k] - expected[k]) <= bound, $"column {k}: {sums[k]} vs {expected[k]} (bound {bound})");
        }

        // Neither a participant's secret nor the collective ciphertext's readers read the release.
        var single = Decrypt(parameters, secrets[0], released);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(single[k] - expected[k]) > 1000 * bound, $"column {k}: a participant's secret read {single[k]} vs {expected[k]}");
        }

        var releases = await (await a.Http.GetAsync($"/v1/studies/{study.Id}/releases")).ReadAsync<StudyReleaseListResponse>();
        var recorded = Assert.Single(releases.Items);
        Assert.True(recorded.Released);
        Assert.Equal([0, 1, 2], recorded.Approvals);

        // Every share is in its participant's audit chain (round, party and hash), and every chain verifies.
        using var admin = Factory.Admin();
        foreach (var tenant in new[] { a.TenantId, b.TenantId, c.TenantId })
        {
            var verified = await (await admin.GetAsync($"/v1/audit/verify?tenant_id={tenant}")).ReadAsync<AuditVerificationResponse>();
            Assert.True(verified.Valid, verified.Reason);
            var log = await admin.GetStringAsync($"/v1/audit?tenant_id={tenant}&limit=1000");
            Assert.Contains("ckg:0", log, StringComparison.Ordinal);
            Assert.Contains($"release:{release.Id}", log, StringComparison.Ordinal);
        }
    }

    private static Parameters ParametersOf(PlanDocument plan)
    {
        using var stream = new MemoryStream(Convert.FromBase64String(plan.Parameters.SealParameters));
        return Parameters.Create(ParametersLiteral.Load(stream, SecurityLevel.Tc128));
    }

    private static double[] Decrypt(Parameters parameters, SecretKey secret, byte[] bytes)
    {
        using var ct = new Ciphertext();
        using (var stream = new MemoryStream(bytes))
        {
            ct.Load(parameters, stream);
        }

        using var plain = new Plaintext();
        new Decryptor(parameters, secret).Decrypt(ct, plain);
        var values = new List<double>();
        new Encoder(parameters).Decode(plain, values);
        return [.. values];
    }

    private static byte[] Bytes(Func<Stream, CompressionMode?, long> save)
    {
        using var buffer = new MemoryStream();
        save(buffer, CompressionMode.None);
        return buffer.ToArray();
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return http.PostAsync(path, content);
    }

    private static async Task Submit(HttpClient http, string path, byte[] body)
    {
        using var response = await Post(http, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(type, problem.GetProperty("type").GetString());
    }
}
