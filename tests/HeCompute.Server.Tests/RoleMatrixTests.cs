using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Jobs;
using HeCompute.Server.Storage;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>
/// The role matrix of the server README, checked exhaustively: every endpoint the app maps (read from its
/// <see cref="EndpointDataSource"/>, so a new endpoint without a row fails) × every kind of caller × the caller's own
/// tenant's objects and a foreign tenant's. "Allowed" means anything but 401/403 (bodies are minimal, so validation
/// answers 400/415/422 after authorization); a forbidden role gets 403 problem details; a foreign object gets 404
/// exactly like a missing one, and the caller's own object never does.
/// </summary>
public sealed class RoleMatrixTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>Who may call: anonymous, any key, or the listed roles (G = global admin of the system tenant).</summary>
    private enum Access
    {
        Anonymous,
        AnyKey,
        Roles,

        /// <summary>The web console: sessions, not keys (ConsoleTests); over the API's plain-HTTP test transport every caller gets a 400 problem.</summary>
        Console,
    }

    private const string H = Roles.Hospital;
    private const string M = Roles.ModelAdmin;
    private const string A = Roles.Auditor;
    private const string T = Roles.TenantAdmin;
    private const string G = "global-admin";

    /// <summary>The callers: each role alone on a key of the tested tenant, the global admin, a stale hospital-tenant admin key, and no key.</summary>
    private static readonly string[] Callers = [H, M, A, T, G, "admin@hospital", "anonymous"];

    /// <summary>
    /// The matrix (README, "Role matrix"): method and route pattern → who is allowed, and the request's query and
    /// body. Path parameters are filled with the own or the foreign tenant's objects.
    /// </summary>
    private static readonly (string Endpoint, Access Access, string[] Allowed, string Query, string? Body)[] Matrix =
    [
        ("* /health/live", Access.Anonymous, [], "", null),
        ("* /health/ready", Access.Anonymous, [], "", null),
        ("GET /openapi/{documentName}.json", Access.Anonymous, [], "", null),
        ("GET /scalar/{documentName?}", Access.Anonymous, [], "", null),
        ("GET /scalar/scalar.js", Access.Anonymous, [], "", null),
        ("GET /scalar/scalar.aspnetcore.js", Access.Anonymous, [], "", null),
        ("GET /scalar/favicon.svg", Access.Anonymous, [], "", null),
        ("GET /v1/me", Access.AnyKey, [], "", null),
        ("POST /v1/admin/tenants", Access.Roles, [G], "", "{}"),
        ("GET /v1/admin/tenants", Access.Roles, [G], "", null),
        ("POST /v1/admin/tenants/{tenantId}/keys", Access.Roles, [T, G], "", "{}"),
        ("GET /v1/admin/tenants/{tenantId}/keys", Access.Roles, [T, G], "", null),
        ("POST /v1/admin/keys/{keyId}/revoke", Access.Roles, [T, G], "", null),
        ("POST /v1/admin/keys/{keyId}/rotate", Access.Roles, [T, G], "", null),
        ("DELETE /v1/admin/keys/{keyId}/previous", Access.Roles, [T, G], "", null),
        ("DELETE /v1/admin/tenants/{tenantId}/data", Access.Roles, [T, G], "", null),
        ("GET /v1/admin/cluster", Access.Roles, [G], "", null),
        ("DELETE /v1/tenant/data", Access.Roles, [T, G], "", null),
        ("POST /v1/keysets/", Access.Roles, [H], "", null),
        ("GET /v1/keysets/", Access.Roles, [H], "", null),
        ("GET /v1/keysets/{keySetId}", Access.Roles, [H], "", null),
        ("DELETE /v1/keysets/{keySetId}", Access.Roles, [H], "", null),
        ("GET /v1/jobs/", Access.Roles, [H], "", null),
        ("GET /v1/jobs/{jobId}", Access.Roles, [H], "", null),
        ("POST /v1/jobs/{jobId}/cancel", Access.Roles, [H], "", null),
        ("GET /v1/jobs/{jobId}/results/{name}", Access.Roles, [H], "", null),
        ("POST /v1/models/", Access.Roles, [M], "", "{}"),
        ("POST /v1/models/onnx", Access.Roles, [M], "", null),
        ("GET /v1/models/", Access.Roles, [H, M], "", null),
        ("GET /v1/models/{modelId}", Access.Roles, [H, M], "", null),
        ("GET /v1/models/{modelId}/plan", Access.Roles, [H, M], "", null),
        ("GET /v1/models/{modelId}/document", Access.Roles, [M], "", null),
        ("DELETE /v1/models/{modelId}", Access.Roles, [M], "", null),
        ("POST /v1/models/{modelId}/predict", Access.Roles, [H], "?keyset_id={keySetId}&records=1", ""),
        ("POST /v1/models/{modelId}/predict-jobs", Access.Roles, [H], "", ""),
        ("POST /v1/datasets/", Access.Roles, [H], "", "{}"),
        ("GET /v1/datasets/", Access.Roles, [H], "", null),
        ("GET /v1/datasets/{datasetId}", Access.Roles, [H], "", null),
        ("DELETE /v1/datasets/{datasetId}", Access.Roles, [H], "", null),
        ("PUT /v1/datasets/{datasetId}/keyset", Access.Roles, [H], "", "{\"key_set_id\":\"{ownKeySetId}\"}"),
        ("POST /v1/datasets/{datasetId}/contributors", Access.Roles, [H], "", "{}"),
        ("GET /v1/datasets/{datasetId}/public-key", Access.Roles, [H], "", null),
        ("POST /v1/datasets/{datasetId}/batches", Access.Roles, [H], "?records=1", ""),
        ("GET /v1/datasets/{datasetId}/batches", Access.Roles, [H], "", null),
        ("POST /v1/datasets/{datasetId}/statistics", Access.Roles, [H], "", "{}"),
        ("POST /v1/studies/", Access.Roles, [H], "", "{}"),
        ("GET /v1/studies/", Access.Roles, [H], "", null),
        ("GET /v1/studies/{studyId}", Access.Roles, [H], "", null),
        ("POST /v1/studies/{studyId}/join", Access.Roles, [H], "", null),
        ("POST /v1/studies/{studyId}/rounds/{round}/shares", Access.Roles, [H], "", ""),
        ("GET /v1/studies/{studyId}/keys/{name}", Access.Roles, [H], "", null),
        ("POST /v1/studies/{studyId}/batches", Access.Roles, [H], "?records=1", ""),
        ("POST /v1/studies/{studyId}/statistics", Access.Roles, [H], "", "{}"),
        ("GET /v1/studies/{studyId}/jobs/{jobId}", Access.Roles, [H], "", null),
        ("POST /v1/studies/{studyId}/releases", Access.Roles, [H], "?job_id={studyJobId}&result=sums&querier={tenantId}", ""),
        ("GET /v1/studies/{studyId}/releases", Access.Roles, [H], "", null),
        ("GET /v1/studies/{studyId}/releases/{releaseId}", Access.Roles, [H], "", null),
        ("GET /v1/studies/{studyId}/releases/{releaseId}/ciphertext", Access.Roles, [H], "", null),
        ("GET /v1/studies/{studyId}/releases/{releaseId}/querier-key", Access.Roles, [H], "", null),
        ("POST /v1/studies/{studyId}/releases/{releaseId}/shares", Access.Roles, [H], "", ""),
        ("GET /v1/studies/{studyId}/releases/{releaseId}/result", Access.Roles, [H], "", null),
        ("GET /v1/audit/", Access.Roles, [A, G], "?tenant_id={tenantId}&limit=1", null),
        ("GET /v1/audit/head", Access.Roles, [A, G], "?tenant_id={tenantId}", null),
        ("GET /v1/audit/verify", Access.Roles, [A, G], "?tenant_id={tenantId}", null),
        ("POST /v1/admin/tenants/{tenantId}/users/", Access.Roles, [T, G], "", "{}"),
        ("GET /v1/admin/tenants/{tenantId}/users/", Access.Roles, [T, G], "", null),
        ("* console", Access.Console, [], "", null),
        ("* console/signin", Access.Console, [], "", null),
        ("* console/signin/code", Access.Console, [], "", null),
        ("* console/enrol", Access.Console, [], "", null),
        ("* console/signout", Access.Console, [], "", null),
        ("* console/denied", Access.Console, [], "", null),
        ("* console/keysets", Access.Console, [], "", null),
        ("* console/models", Access.Console, [], "", null),
        ("* console/jobs", Access.Console, [], "", null),
        ("* console/audit", Access.Console, [], "", null),
        ("GET /console/assets/{file}", Access.Console, [], "", null),
        ("GET /console/jobs/events", Access.Console, [], "", null),
        ("GET /console/jobs/{jobId}/results/{name}", Access.Console, [], "", null),
        ("GET /console/audit/export", Access.Console, [], "", null),
    ];

    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public void Every_mapped_endpoint_has_a_row_in_the_matrix()
    {
        var mapped = MappedEndpoints();
        var rows = Matrix.Select(r => r.Endpoint).ToHashSet(StringComparer.Ordinal);
        Assert.True(rows.Count == Matrix.Length, "the matrix has duplicate rows");
        Assert.True(
            mapped.SetEquals(rows),
            $"endpoints without a matrix row: {string.Join(", ", mapped.Except(rows))}; rows without an endpoint: {string.Join(", ", rows.Except(mapped))}");
    }

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_the_matrix_says_for_own_and_foreign_tenants()
    {
        var own = await World.CreateAsync(Factory);
        var foreign = await World.CreateAsync(Factory);
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var caller in Callers)
        {
            clients[caller] = caller switch
            {
                "anonymous" => Factory.Client(null),
                G => Factory.Admin(),
                _ => Factory.Client(own.Secrets[caller]),
            };
        }

        var failures = new List<string>();
        var checkedCases = 0;
        // Deleting endpoints run last, so the own objects the others address still exist.
        foreach (var row in Matrix.OrderBy(r => r.Endpoint.StartsWith("DELETE ", StringComparison.Ordinal) ? 1 : 0))
        {
            foreach (var caller in Callers)
            {
                var allowed = row.Access switch
                {
                    Access.Anonymous => true,
                    Access.AnyKey => caller != "anonymous",
                    _ => row.Allowed.Contains(caller),
                };
                var hasTenantScope = row.Endpoint.Contains('{', StringComparison.Ordinal) || row.Query.Contains('{', StringComparison.Ordinal);
                foreach (var target in hasTenantScope ? new[] { own, foreign } : [own])
                {
                    var isForeign = target == foreign;
                    // The global admin manages every tenant: both tenants are "its own" where a tenant is named, and it
                    // holds no hospital or model role, so every object endpoint is 403 before any lookup.
                    var expectForeign404 = allowed && isForeign && caller != G && row.Access == Access.Roles;
                    using var request = Build(row, target, own);
                    using var response = await clients[caller].SendAsync(request);
                    checkedCases++;
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    var label = $"{row.Endpoint} as {caller} on {(isForeign ? "foreign" : "own")} objects: {status} {Truncate(body)}";
                    if (row.Access == Access.Console)
                    {
                        Expect(status == 400 && IsProblem(body, ProblemTypes.BadRequest), "expected the console's HTTPS-only 400 problem", label);
                    }
                    else if (caller == "anonymous" && row.Access != Access.Anonymous)
                    {
                        Expect(status == 401 && IsProblem(body, ProblemTypes.Unauthorized), "expected 401 problem", label);
                    }
                    else if (!allowed)
                    {
                        Expect(status == 403 && IsProblem(body, ProblemTypes.Forbidden), "expected 403 problem", label);
                    }
                    else if (expectForeign404)
                    {
                        Expect(status == 404 && IsProblem(body, ProblemTypes.NotFound), "expected 404 problem (foreign tenant)", label);
                    }
                    else
                    {
                        Expect(status is not (401 or 403 or 404 or >= 500), "expected to be allowed (and to find its own objects)", label);
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCases} cases disagree with the matrix:\n" + string.Join('\n', failures));
        // Every row was exercised by every caller, own and foreign where a tenant's objects are addressed.
        Assert.True(checkedCases > Matrix.Length * Callers.Length);

        void Expect(bool ok, string what, string label)
        {
            if (!ok)
            {
                failures.Add($"{what}: {label}");
            }
        }
    }

    private HashSet<string> MappedEndpoints() =>
    [
        .. Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}")),
    ];

    private static HttpRequestMessage Build((string Endpoint, Access Access, string[] Allowed, string Query, string? Body) row, World target, World own)
    {
        var space = row.Endpoint.IndexOf(' ', StringComparison.Ordinal);
        var method = row.Endpoint[..space] == "*" ? "GET" : row.Endpoint[..space];
        var path = Fill(row.Endpoint[(space + 1)..] + row.Query, target, own)
            .Replace("{documentName}", "v1", StringComparison.Ordinal).Replace("{documentName?}", "v1", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (row.Body is { } body)
        {
            request.Content = new StringContent(body.Replace("{ownKeySetId}", own.KeySetId, StringComparison.Ordinal), Encoding.UTF8, body.Length == 0 ? "application/octet-stream" : "application/json");
        }

        return request;
    }

    /// <summary>The target tenant's objects in the path; a key set id in a query is always the caller's own (it names the key set to use).</summary>
    private static string Fill(string template, World target, World own) => template
        .Replace("/v1/studies/{studyId}/jobs/{jobId}", "/v1/studies/{studyId}/jobs/" + target.StudyJobId, StringComparison.Ordinal)
        .Replace("/v1/studies/{studyId}/keys/{name}", "/v1/studies/{studyId}/keys/" + KeySetParts.PublicKey, StringComparison.Ordinal)
        .Replace("{releaseId}", target.ReleaseId, StringComparison.Ordinal)
        .Replace("{studyJobId}", target.StudyJobId, StringComparison.Ordinal)
        .Replace("?keyset_id={keySetId}", "?keyset_id=" + own.KeySetId, StringComparison.Ordinal)
        .Replace("{tenantId}", target.TenantId, StringComparison.Ordinal)
        .Replace("{keyId}", target.VictimKeyId, StringComparison.Ordinal)
        .Replace("{keySetId}", target.KeySetId, StringComparison.Ordinal)
        .Replace("{jobId}", target.JobId, StringComparison.Ordinal)
        .Replace("{name}", StepsJob.ResultName, StringComparison.Ordinal)
        .Replace("{modelId}", target.ModelId, StringComparison.Ordinal)
        .Replace("{datasetId}", target.DatasetId, StringComparison.Ordinal)
        .Replace("{studyId}", target.StudyId, StringComparison.Ordinal);

    private static bool IsProblem(string body, string type)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("type", out var t) && t.GetString() == type;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string body) => body.Length <= 200 ? body : body[..200] + "…";

    /// <summary>A tenant with one key per role, a key to revoke, and one object of every kind.</summary>
    private sealed record World(
        string TenantId, IReadOnlyDictionary<string, string> Secrets, string VictimKeyId, string KeySetId, string JobId, string ModelId, string DatasetId, string StudyId, string StudyJobId, string ReleaseId)
    {
        /// <summary>A private two-feature logistic model: small enough to plan in a moment.</summary>
        private const string TinyModel =
            """{"format":"hecompute-model","formatVersion":1,"kind":"logistic-regression","input":{"features":["a","b"],"lower":[-1,-1],"upper":[1,1],"mean":[0,0],"scale":[1,1]},"layers":[{"type":"dense","weights":[[0.5,-0.25]],"bias":[0.1]}],"outputs":["logit"]}""";

        public static async Task<World> CreateAsync(HeComputeFactory factory)
        {
            using var hospital = await factory.NewTenantAsync(H);
            var tenantId = hospital.TenantId;
            var secrets = new Dictionary<string, string>(StringComparer.Ordinal) { [H] = hospital.Secret };
            foreach (var role in new[] { M, A, T })
            {
                using var key = await factory.NewKeyAsync(tenantId, role);
                secrets[role] = key.Secret;
            }

            using var victim = await factory.NewKeyAsync(tenantId, H);
            // An admin key inside a hospital tenant cannot be created any more; one left by an older server is stored directly.
            var (legacyId, legacySecret) = ApiKeyToken.Generate();
            await factory.Services.GetRequiredService<IMetadataStore>().ApiKeys.UpsertAsync(
                new ApiKeyRecord(legacyId, tenantId, "legacy admin", [Roles.Admin], ApiKeyToken.Hash(legacySecret), DateTimeOffset.UtcNow, null),
                CancellationToken.None);
            secrets["admin@hospital"] = legacySecret;

            using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.PublicKey, KeyMaterial.Shared.PublicKeySeeded));
            var keySet = await Api.UploadAsync(hospital.Http, form);
            var job = await factory.Services.GetRequiredService<JobQueue>().EnqueueAsync(tenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1), CancellationToken.None);
            await Api.WaitForJobAsync(hospital.Http, job.Id, j => j.State == JobState.Succeeded);

            using var modelAdmin = factory.Client(secrets[M]);
            using var registered = await modelAdmin.PostAsJsonAsync(
                "/v1/models", new RegisterModelRequest("tiny", JsonDocument.Parse(TinyModel).RootElement), HeComputeJson.Options);
            Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
            var model = await registered.ReadAsync<ModelResponse>();
            var dataset = await CohortDatasets.CreateAsync(hospital.Http, CohortDatasets.Request("matrix"));
            using var partner = await factory.NewTenantAsync(H);
            var d = CohortDatasets.Request("matrix study");
            using var created = await hospital.Http.PostAsJsonAsync(
                "/v1/studies", new CreateStudyRequest("matrix", [partner.TenantId], d.Features, d.Lower, d.Upper, MaxRecords: 1000), HeComputeJson.Options);
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var study = await created.ReadAsync<StudyResponse>();
            await StudyCeremonies.CompleteAsync(study, [hospital.Http, partner.Http]);
            var publicKey = await hospital.Http.GetByteArrayAsync($"/v1/studies/{study.Id}/keys/public_key");
            using (var encryptor = new PublicKeyEncryptor(study.Plan, publicKey))
            {
                await StudyCeremonies.SubmitAsync(
                    hospital.Http, $"/v1/studies/{study.Id}/batches?records=2", encryptor.Encrypt(CohortDatasets.Pack(study.Plan, BreastCancerCohort.Shared.Rows[..2])));
            }

            using var submitted = await hospital.Http.PostAsJsonAsync($"/v1/studies/{study.Id}/statistics", new StatisticsRequest(), HeComputeJson.Options);
            var studyJob = await Api.WaitForJobAsync(hospital.Http, (await submitted.ReadAsync<JobResponse>()).Id, j => j.State == JobState.Succeeded);
            using var requested = await StudyCeremonies.PostAsync(
                hospital.Http, $"/v1/studies/{study.Id}/releases?job_id={studyJob.Id}&result=sums&querier={tenantId}", publicKey);
            Assert.True(requested.StatusCode == HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
            var release = await requested.ReadAsync<StudyReleaseResponse>();
            return new World(tenantId, secrets, victim.KeyId, keySet.Id, job.Id, model.Id, dataset.Id, study.Id, studyJob.Id, release.Id);
        }
    }
}
