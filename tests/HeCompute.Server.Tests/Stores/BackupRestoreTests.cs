using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Storage;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests.Stores;

/// <summary>
/// Backup of a serving store, restore into an empty one, and a server on the restored store: every audit chain and
/// blob verifies, the same prediction comes back, the dataset is whole. On both backends.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class BackupRestoreTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly List<PostgresTestDatabase> _databases = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        _directory.Dispose();
    }

    private async Task<Dictionary<string, string?>> StoreAsync(string backend)
    {
        if (backend == "sqlite")
        {
            // The restoring server needs the master key the backup was taken with (a backup never holds it).
            return new() { ["HeCompute:AtRest:MasterKey"] = PostgresTestDatabase.MasterKey };
        }

        var database = await server.CreateDatabaseAsync();
        _databases.Add(database);
        return database.ServerSettings();
    }

    private string Folder(string name) => Path.Combine(_directory.Path, name);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_backup_restored_into_an_empty_store_serves_the_same_predictions_and_every_chain_and_blob_verifies(string backend)
    {
        var source = await StoreAsync(backend);
        var target = await StoreAsync(backend);
        var backupFolder = Folder("backup");
        byte[] input = [], result = [];
        string url = "", secret = "", tenantId = "", datasetId = "";
        using var prediction = await PrepareAndBackupAsync();

        async Task<BreastCancerPrediction> PrepareAndBackupAsync()
        {
            var original = new HeComputeFactory(Folder("original"), source);
            await using (original.ConfigureAwait(true))
            {
                using var hospital = await original.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
                (secret, tenantId) = (hospital.Secret, hospital.TenantId);
                var prepared = await BreastCancerPrediction.PrepareAsync(hospital.Http);
                (input, url) = (prepared.Input, prepared.Url);
                result = await PredictAsync(hospital.Http, url, input);
                ModelTests.AssertLogits(prepared.Model.Plan, prepared.Compiled, prepared.Client.Decrypt(result), 0, prepared.Records.Length);
                var dataset = await CohortDatasets.CreateAsync(hospital.Http, CohortDatasets.Request("cohort"));
                datasetId = dataset.Id;
                using var client = new PlanClient(dataset.Plan);
                await DatasetTests.BindAsync(hospital.Http, dataset.Id, client);
                using (var appended = await CohortDatasets.AppendAsync(hospital.Http, dataset.Id, client.Encrypt(CohortDatasets.Pack(dataset.Plan, BreastCancerCohort.Shared.Rows[..40])), 40))
                {
                    Assert.Equal(HttpStatusCode.Created, appended.StatusCode);
                }

                // Taken from the running server, with the admin command.
                var console = new StringWriter();
                Assert.Equal(0, await StorageCommand.RunAsync(original.Services, ["backup", backupFolder], console));
                Assert.Contains("backup of " + backend, console.ToString(), StringComparison.Ordinal);
                return prepared;
            }
        }

        var manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(Path.Combine(backupFolder, StorageBackup.ManifestFile)), HeComputeJson.Options)!;
        Assert.Equal(backend, manifest.Provider);
        // The model's two blobs, the key set's parts, the dataset's key set and its batch: each once.
        Assert.True(manifest.Blobs.Count >= 5, string.Join(", ", manifest.Blobs));
        Assert.Equal(manifest.Blobs.Count, manifest.Blobs.Select(b => b.Sha256).Distinct().Count());
        foreach (var blob in manifest.Blobs)
        {
            // Each blob as it is stored: its at-rest envelope, never the plaintext its name is the hash of.
            var bytes = await File.ReadAllBytesAsync(Path.Combine(backupFolder, "blobs", blob.Sha256));
            Assert.Equal((blob.StoredSha256, blob.Bytes), (Api.Sha256Hex(bytes), bytes.LongLength));
            Assert.NotEqual(blob.Sha256, blob.StoredSha256);
            Assert.True(bytes.AsSpan().StartsWith("HCENVLP"u8));
        }

        // The wrapped keyring is in the backup, the master key is not.
        var wrappedKeyring = await File.ReadAllTextAsync(Path.Combine(backupFolder, StorageBackup.KeyringFile));
        Assert.Contains("master_key_id", wrappedKeyring, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(backupFolder, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(PostgresTestDatabase.MasterKey, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }

        Assert.True(manifest.Rows["audit_log"] > 5);
        Assert.Equal(1, manifest.Rows["dataset_batches"]);

        // Restore into the empty store, before any server starts on it; a second restore finds it full and refuses.
        var restoredFolder = Folder("restored");
        await using (var host = await StorageHost.StartAsync(restoredFolder, target, initialize: false))
        {
            var console = new StringWriter();
            Assert.Equal(0, await StorageCommand.RunAsync(host.Get<IServiceProvider>(), ["restore", backupFolder], console));
            Assert.Contains("audit: valid", console.ToString(), StringComparison.Ordinal);
            Assert.Contains($"blobs: {manifest.Blobs.Count} of {manifest.Blobs.Count} intact", console.ToString(), StringComparison.Ordinal);
            var again = new StringWriter();
            Assert.Equal(StorageCommand.Failed, await StorageCommand.RunAsync(host.Get<IServiceProvider>(), ["restore", backupFolder], again));
            Assert.Contains("not empty", again.ToString(), StringComparison.Ordinal);
        }

        var restored = new HeComputeFactory(restoredFolder, target);
        await using (restored.ConfigureAwait(true))
        {
            var verification = await restored.Services.GetRequiredService<StorageBackup>().VerifyAsync(CancellationToken.None);
            Assert.True(verification.Valid, verification.Audit.Reason);
            Assert.Equal(manifest.Blobs.Count, verification.Blobs);
            using var hospital = restored.Client(secret);
            var again = await PredictAsync(hospital, url, input);
            Assert.Equal(result, again);
            var batches = await (await hospital.GetAsync($"/v1/datasets/{datasetId}/batches")).ReadAsync<IReadOnlyList<DatasetBatchResponse>>();
            Assert.Equal(40, Assert.Single(batches).Records);
            using var admin = restored.Admin();
            var audit = await (await admin.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
            Assert.True(audit.Valid, audit.Reason);
            Assert.True(audit.Heads.ContainsKey(tenantId));
        }
    }

    [Fact]
    public async Task A_damaged_backup_is_refused_before_anything_is_written()
    {
        var backupFolder = Folder("backup");
        var original = new HeComputeFactory(Folder("original"));
        await using (original.ConfigureAwait(true))
        {
            using var admin = await original.NewTenantAsync(Roles.ModelAdmin);
            await ModelTests.RegisterAsync(admin.Http, shared: false);
            Assert.Equal(0, await StorageCommand.RunAsync(original.Services, ["backup", backupFolder], TextWriter.Null));
            // A second backup into the same folder is refused: it is not empty.
            Assert.Equal(StorageCommand.Failed, await StorageCommand.RunAsync(original.Services, ["backup", backupFolder], TextWriter.Null));
            Assert.Equal(StorageCommand.Usage, await StorageCommand.RunAsync(original.Services, ["backup"], TextWriter.Null));
            Assert.Null(await StorageCommand.RunAsync(original.Services, ["--urls", "http://127.0.0.1:0"], TextWriter.Null));
        }

        var blob = Directory.GetFiles(Path.Combine(backupFolder, "blobs"))[0];
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(blob, bytes);
        await using var host = await StorageHost.StartAsync(
            Folder("restored"), new Dictionary<string, string?> { ["HeCompute:AtRest:MasterKeyFile"] = Path.Combine(Folder("original"), "keys", "master.key") }, initialize: false);
        var console = new StringWriter();
        Assert.Equal(StorageCommand.Failed, await StorageCommand.RunAsync(host.Get<IServiceProvider>(), ["restore", backupFolder], console));
        Assert.Contains("does not match its manifest", console.ToString(), StringComparison.Ordinal);
        Assert.Empty(await host.Metadata.Tenants.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_server_binary_runs_backup_restore_and_verify_as_commands()
    {
        var data = Folder("data");
        var original = new HeComputeFactory(data);
        await using (original.ConfigureAwait(true))
        {
            using var admin = await original.NewTenantAsync(Roles.ModelAdmin);
            await ModelTests.RegisterAsync(admin.Http, shared: false);
        }

        var backupFolder = Folder("backup");
        var (code, output) = await RunServerAsync(data, "backup", backupFolder);
        Assert.True(code == 0, output);
        Assert.Contains("backup of sqlite written to " + backupFolder, output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(backupFolder, StorageBackup.KeyringFile)));

        // Restored by a server with another master key (here: its own, generated): refused, saying why, nothing written.
        var elsewhere = Folder("elsewhere");
        (code, output) = await RunServerAsync(elsewhere, "restore", backupFolder);
        Assert.True(code == StorageCommand.Failed, output);
        Assert.Contains("restore failed: Wrong master key: the backup's keyring", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "blobs", "sha256")) && Directory.EnumerateFiles(Path.Combine(elsewhere, "blobs", "sha256"), "*", SearchOption.AllDirectories).Any());

        // With the master key the backup was taken under (the operator configures it; the backup does not hold it).
        var masterKey = ("HeCompute__AtRest__MasterKeyFile", Path.Combine(data, "keys", "master.key"));
        var restored = Folder("restored");
        (code, output) = await RunServerAsync(restored, ["restore", backupFolder], masterKey);
        Assert.True(code == 0, output);
        Assert.Contains("audit: valid", output, StringComparison.Ordinal);
        (code, output) = await RunServerAsync(restored, ["verify"], masterKey);
        Assert.True(code == 0, output);
        Assert.Matches(@"blobs: (\d+) of \1 intact", output);

        // A blob damaged in the store fails verification, naming it.
        var blob = Directory.GetFiles(Path.Combine(restored, "blobs", "sha256"), "*", SearchOption.AllDirectories)[0];
        await File.WriteAllBytesAsync(blob, [1, 2, 3]);
        (code, output) = await RunServerAsync(restored, ["verify"], masterKey);
        Assert.Equal(StorageCommand.Failed, code);
        Assert.Contains("damaged blob " + Path.GetFileName(blob), output, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output)> RunServerAsync(string dataDirectory, params string[] args) => RunServerAsync(dataDirectory, args, []);

    private static async Task<(int Code, string Output)> RunServerAsync(string dataDirectory, string[] args, params (string Name, string Value)[] environment)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HeCompute.Server.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HeCompute__Storage__DataDirectory"] = dataDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<byte[]> PredictAsync(HttpClient http, string url, byte[] input)
    {
        using var body = new ByteArrayContent(input);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync(url, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }
}
