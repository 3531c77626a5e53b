using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using System.Security.Cryptography;
using HeCompute.Server.Storage;
using HeCompute.Server.Storage.AtRest;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Npgsql;

namespace HeCompute.Server.Tests.Stores;

/// <summary>
/// The server on PostgreSQL (metadata and blobs in the database), as two nodes sharing one database: a hospital's
/// whole workflow crosses between them, and readiness reports the database.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresServerTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private PostgresTestDatabase? _database;

    private PostgresTestDatabase Database => _database!;

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        _directory.Dispose();
    }

    private HeComputeFactory Node(string name, Dictionary<string, string?>? atRest = null)
    {
        var settings = Database.ServerSettings();
        foreach (var (key, value) in atRest ?? [])
        {
            settings[key] = value;
        }

        var factory = new HeComputeFactory(Path.Combine(_directory.Path, name), settings);
        // Start it now: both nodes are up before any job exists (a node starting later requeues running jobs, a
        // one-node assumption the job leases of the cluster mode replace).
        _ = factory.Services;
        return factory;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task AssertReadyAsync(HeComputeFactory node)
    {
        using var ready = await node.Client(null).GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("metadata").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_hospital_workflow_runs_across_two_nodes_on_one_database()
    {
        var a = Node("a");
        var b = Node("b");
        await using (a.ConfigureAwait(true))
        await using (b.ConfigureAwait(true))
        {
            await AssertReadyAsync(a);
            await AssertReadyAsync(b);
            using var hospitalA = await a.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
            using var hospitalB = b.Client(hospitalA.Secret);

            // Key set and model registered through node a; node b predicts with them.
            using var prediction = await BreastCancerPrediction.PrepareAsync(hospitalA.Http);
            using var body = new ByteArrayContent(prediction.Input);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var predicted = await hospitalB.PostAsync(prediction.Url, body);
            Assert.True(predicted.StatusCode == HttpStatusCode.OK, await predicted.Content.ReadAsStringAsync());
            var result = await predicted.Content.ReadAsByteArrayAsync();
            ModelTests.AssertLogits(prediction.Model.Plan, prediction.Compiled, prediction.Client.Decrypt(result), 0, prediction.Records.Length);

            // A dataset created on a, batches appended through both nodes, statistics asked of b, results read from a.
            var dataset = await CohortDatasets.CreateAsync(hospitalA.Http, CohortDatasets.Request("cohort"));
            using var client = new PlanClient(dataset.Plan);
            await DatasetTests.BindAsync(hospitalA.Http, dataset.Id, client);
            var rows = BreastCancerCohort.Shared.Rows;
            var cut = rows.Length / 2;
            foreach (var (http, from, to) in new[] { (hospitalA.Http, 0, cut), (hospitalB, cut, rows.Length) })
            {
                using var appended = await CohortDatasets.AppendAsync(http, dataset.Id, client.Encrypt(CohortDatasets.Pack(dataset.Plan, rows[from..to])), to - from);
                Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
            }

            var job = await DatasetTests.RunStatisticsAsync(hospitalB, dataset.Id, new StatisticsRequest());
            var output = job.Output!.Value.Deserialize<StatisticsJobOutput>(HeComputeJson.Options)!;
            Assert.Equal((rows.Length, 2), (output.Records, output.Batches));
            var decrypted = new List<double[]>();
            foreach (var name in output.Results)
            {
                decrypted.Add(client.Decrypt(await hospitalA.Http.GetByteArrayAsync($"/v1/jobs/{job.Id}/results/{name}")));
            }

            DatasetTests.AssertMoments(dataset.Plan, decrypted, rows);

            // One audit chain for the tenant, written by both nodes, exported from b and verified offline and by a.
            using var auditor = await a.NewKeyAsync(hospitalA.TenantId, Roles.Auditor);
            using var auditorB = b.Client(auditor.Secret);
            var export = await auditorB.GetStringAsync("/v1/audit");
            var entries = AuditChain.ReadJsonLines(new StringReader(export)).ToList();
            var offline = AuditChain.VerifyJsonLines(new StringReader(export));
            Assert.True(offline.Valid, offline.Reason);
            foreach (var action in new[] { "keysets.create", "models.create", "predict.create", "datasets.create", "datasets.statistics" })
            {
                Assert.Contains(entries, e => e.Action == action);
            }

            var predictEntry = Assert.Single(entries, e => e.Action == "predict.create");
            Assert.Contains(Api.Sha256Hex(result), predictEntry.BodiesOut);
            using var admin = a.Admin();
            var verified = await (await admin.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
            Assert.True(verified.Valid, verified.Reason);

            // Every blob lives in the database: neither node wrote a blob file of its own.
            Assert.True(await ScalarAsync("SELECT COUNT(*) FROM blobs;") >= 5);
            Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public async Task A_master_key_rotation_rewraps_the_shared_keyring_while_two_nodes_keep_serving()
    {
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var rotating = new Dictionary<string, string?>
        {
            ["HeCompute:AtRest:MasterKey"] = newKey,
            ["HeCompute:AtRest:PreviousMasterKeys:0"] = PostgresTestDatabase.MasterKey,
        };
        string secret;
        BreastCancerPrediction prediction;
        string before;
        var a = Node("a");
        var b = Node("b");
        await using (a.ConfigureAwait(true))
        await using (b.ConfigureAwait(true))
        {
            using var hospital = await a.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
            secret = hospital.Secret;
            prediction = await BreastCancerPrediction.PrepareAsync(hospital.Http);
            using var viaB = b.Client(secret);
            await AssertPredictsAsync(viaB, prediction);
            before = await KeyringAsync();

            // The re-wrap runs against the database while both nodes serve; they hold the data keys, which do not change.
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, KeyRewrapCommand.Run(Configuration(rotating), new HostingEnvironment { ContentRootPath = _directory.Path, EnvironmentName = "Testing" }, output, error));
            Assert.Contains("1 data key(s) re-wrapped", output.ToString(), StringComparison.Ordinal);
            Assert.NotEqual(before, await KeyringAsync());
            await AssertPredictsAsync(viaB, prediction);
            await AssertPredictsAsync(hospital.Http, prediction);
        }

        // Restarted with only the new key, both nodes read every blob; the old key alone no longer opens the keyring.
        var rotated = new Dictionary<string, string?> { ["HeCompute:AtRest:MasterKey"] = newKey };
        var c = Node("c", rotated);
        var d = Node("d", rotated);
        await using (c.ConfigureAwait(true))
        await using (d.ConfigureAwait(true))
        {
            using var viaC = c.Client(secret);
            using var viaD = d.Client(secret);
            await AssertPredictsAsync(viaC, prediction);
            await AssertPredictsAsync(viaD, prediction);
        }

        using var staleError = new StringWriter();
        Assert.Equal(1, KeyRewrapCommand.Run(Configuration(new() { ["HeCompute:AtRest:MasterKey"] = PostgresTestDatabase.MasterKey }), new HostingEnvironment { ContentRootPath = _directory.Path, EnvironmentName = "Testing" }, TextWriter.Null, staleError));
        Assert.Contains("Wrong master key", staleError.ToString(), StringComparison.Ordinal);
        prediction.Dispose();
    }

    private IConfiguration Configuration(Dictionary<string, string?> atRest)
    {
        var settings = Database.ServerSettings();
        settings["HeCompute:Storage:DataDirectory"] = Path.Combine(_directory.Path, "admin");
        settings.Remove("HeCompute:AtRest:MasterKey");
        foreach (var (key, value) in atRest)
        {
            settings[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    private async Task<string> KeyringAsync()
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT document FROM at_rest_keyring WHERE id = 1;", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AssertPredictsAsync(HttpClient http, BreastCancerPrediction prediction)
    {
        using var body = new ByteArrayContent(prediction.Input);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var predicted = await http.PostAsync(prediction.Url, body);
        Assert.True(predicted.StatusCode == HttpStatusCode.OK, await predicted.Content.ReadAsStringAsync());
        var result = await predicted.Content.ReadAsByteArrayAsync();
        ModelTests.AssertLogits(prediction.Model.Plan, prediction.Compiled, prediction.Client.Decrypt(result), 0, prediction.Records.Length);
    }

    [Fact]
    public async Task Readiness_reports_a_database_that_went_away_and_its_errors_are_storage_faults()
    {
        var node = Node("a");
        await using (node.ConfigureAwait(true))
        {
            using var hospital = await node.NewTenantAsync(Roles.Hospital);
            await AssertReadyAsync(node);
            await server.ExecuteAsync($"DROP DATABASE {Database.Name} WITH (FORCE);");

            using var ready = await node.Client(null).GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("metadata").GetProperty("status").GetString());
            Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
            using var live = await node.Client(null).GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            // What a request meets is classified as the server's condition (a 503 problem), not an unexpected error.
            // (An API call itself fails closed: its audit entry cannot be written, so the middleware aborts it.)
            var metadata = node.Services.GetRequiredService<IMetadataStore>();
            var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => metadata.Tenants.GetAsync(hospital.TenantId, CancellationToken.None));
            Assert.Equal(DomainErrorKind.StorageUnavailable, StorageFaults.Classify(failure)?.Kind);
        }
    }
}
