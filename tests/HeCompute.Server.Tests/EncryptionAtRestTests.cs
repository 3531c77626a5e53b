using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HeCompute.Analytics.Models;
using HeCompute.Contracts;
using HeCompute.Server.Storage;
using HeCompute.Server.Storage.AtRest;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeCompute.Server.Tests;

/// <summary>
/// Blobs are stored as AES-256-GCM envelopes: no model weight is on disk in the clear, an altered, swapped or cut
/// blob is refused with a storage-corrupt problem, a master-key rotation re-wraps the keyring and every model keeps
/// predicting correctly after a restart, a wrong master key stops the start with its reason, and blobs written before
/// encryption at rest still load.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes
public sealed class EncryptionAtRestTests
{
    private static string BlobPath(string dataDirectory, string sha256) => Path.Combine(dataDirectory, "blobs", "sha256", sha256[..2], sha256);

    [Fact]
    public async Task No_model_weight_is_stored_in_the_clear()
    {
        using var directory = new TempDirectory();
        var factory = new HeComputeFactory(directory.Path);
        await using (factory.ConfigureAwait(true))
        {
            using var tenant = await factory.NewTenantAsync(Roles.ModelAdmin);
            var model = await ModelTests.RegisterAsync(tenant.Http, shared: false);

            // The owner still gets the weights back: the server decrypts what it stored.
            var document = await tenant.Http.GetByteArrayAsync($"/v1/models/{model.Id}/document");
            var weights = JsonDocument.Parse(BreastCancerModel.Shared.ModelJson).RootElement.GetProperty("layers")[0].GetProperty("weights")[0]
                .EnumerateArray().Select(w => w.GetDouble()).ToArray();
            var needles = weights.SelectMany(Encodings).ToList();
            Assert.Contains(needles, n => Contains(document, n));
            Assert.Contains(needles, n => Contains(Encoding.UTF8.GetBytes(BreastCancerModel.Shared.ModelJson), n));

            var source = File.ReadAllBytes(BlobPath(directory.Path, model.Sha256));
            Assert.True(BlobEnvelope.IsEnvelope(source), "the registered bytes are stored as an envelope");
            Assert.True(BlobEnvelope.IsEnvelope(File.ReadAllBytes(BlobPath(directory.Path, Api.Sha256Hex(document)))), "the model document too");
        }

        // Every file the server wrote: the database (and its journal), blobs, keys.
        var files = Directory.EnumerateFiles(directory.Path, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("hecompute.db", StringComparison.Ordinal));
        var weightsAgain = JsonDocument.Parse(BreastCancerModel.Shared.ModelJson).RootElement.GetProperty("layers")[0].GetProperty("weights")[0]
            .EnumerateArray().Select(w => w.GetDouble()).ToArray();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var weight in weightsAgain)
            {
                foreach (var needle in Encodings(weight))
                {
                    Assert.False(Contains(bytes, needle), $"{file} holds weight {weight.ToString("R", CultureInfo.InvariantCulture)} in the clear");
                }
            }
        }
    }

    [Fact]
    public async Task An_altered_swapped_or_cut_blob_is_refused_as_storage_corrupt()
    {
        using var directory = new TempDirectory();
        var factory = new HeComputeFactory(directory.Path);
        await using (factory.ConfigureAwait(true))
        {
            using var tenant = await factory.NewTenantAsync(Roles.ModelAdmin);
            var model = await ModelTests.RegisterAsync(tenant.Http, shared: false);
            var url = $"/v1/models/{model.Id}/document";
            var document = await tenant.Http.GetByteArrayAsync(url);
            var path = BlobPath(directory.Path, Api.Sha256Hex(document));
            var original = File.ReadAllBytes(path);

            // One flipped bit in the ciphertext.
            var altered = (byte[])original.Clone();
            altered[BlobEnvelope.HeaderLength + 10] ^= 0x01;
            await AssertCorruptAsync(tenant.Http, url, path, altered, "authentication tag");

            // An altered header (it is every chunk's associated data): another salt.
            altered = (byte[])original.Clone();
            altered[30] ^= 0x80;
            await AssertCorruptAsync(tenant.Http, url, path, altered, "authentication tag");

            // Cut off at the end.
            await AssertCorruptAsync(tenant.Http, url, path, original[..^1], "authentication tag");

            // Another blob's (valid) envelope copied over this one.
            await AssertCorruptAsync(tenant.Http, url, path, File.ReadAllBytes(BlobPath(directory.Path, model.Sha256)), "not the content it is named for");

            // An envelope version this server does not read.
            altered = (byte[])original.Clone();
            altered[7] = 9;
            await AssertCorruptAsync(tenant.Http, url, path, altered, "envelope version 9");

            File.WriteAllBytes(path, original);
            Assert.Equal(document, await tenant.Http.GetByteArrayAsync(url));
        }
    }

    [Fact]
    public async Task A_tampered_model_is_refused_when_a_prediction_recompiles_it()
    {
        using var directory = new TempDirectory();
        string secret, url, documentPath;
        byte[] input;
        var first = new HeComputeFactory(directory.Path);
        await using (first.ConfigureAwait(true))
        {
            using var tenant = await first.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
            secret = tenant.Secret;
            using var prediction = await BreastCancerPrediction.PrepareAsync(tenant.Http);
            (url, input) = (prediction.Url, prediction.Input);
            documentPath = BlobPath(directory.Path, Api.Sha256Hex(await tenant.Http.GetByteArrayAsync($"/v1/models/{prediction.Model.Id}/document")));
        }

        var bytes = File.ReadAllBytes(documentPath);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(documentPath, bytes);
        var second = new HeComputeFactory(directory.Path);
        await using (second.ConfigureAwait(true))
        {
            using var http = second.Client(secret);
            using var body = new ByteArrayContent(input);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.PostAsync(url, body);
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.StorageCorrupt);
            Assert.Contains("failed its integrity check", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_master_key_rotation_rewraps_the_keyring_and_every_model_keeps_predicting()
    {
        using var directory = new TempDirectory();
        var keys = Path.Combine(directory.Path, "keys");
        var oldKey = Path.Combine(keys, "master.key");
        var newKey = Path.Combine(directory.Path, "elsewhere", "master-2.key");
        string secret;
        var predictions = new List<BreastCancerPrediction>();
        try
        {
            var first = new HeComputeFactory(directory.Path);
            await using (first.ConfigureAwait(true))
            {
                using var tenant = await first.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
                secret = tenant.Secret;
                predictions.Add(await BreastCancerPrediction.PrepareAsync(tenant.Http));
                predictions.Add(await BreastCancerPrediction.PrepareAsync(tenant.Http, records: 3));
                foreach (var p in predictions)
                {
                    await AssertPredictsAsync(tenant.Http, p);
                }
            }

            Assert.True(File.Exists(oldKey), "the first start generated the master key");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(oldKey));
            // The keyring is in the metadata store, not in a file beside the master key.
            Assert.False(File.Exists(Path.Combine(keys, "keyring.json")));
            var keyringBefore = await KeyringAsync(directory.Path);
            Assert.DoesNotContain(File.ReadAllText(oldKey).Trim(), keyringBefore, StringComparison.Ordinal);
            var blobsBefore = BlobFiles(directory.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(newKey)!);
            File.WriteAllText(newKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

            // Mid-rotation: the new key wraps, the old one still unwraps; the keyring is not re-wrapped yet.
            var rotating = new Dictionary<string, string?>
            {
                ["HeCompute:AtRest:MasterKeyFile"] = newKey,
                ["HeCompute:AtRest:PreviousMasterKeyFiles:0"] = oldKey,
            };
            var mid = new HeComputeFactory(directory.Path, rotating);
            await using (mid.ConfigureAwait(true))
            {
                using var http = mid.Client(secret);
                foreach (var p in predictions)
                {
                    await AssertPredictsAsync(http, p);
                }

                Assert.Equal(keyringBefore, await KeyringAsync(directory.Path));

                // The command re-wraps the keyring while that server runs; no blob is rewritten, the server goes on.
                using var output = new StringWriter();
                using var error = new StringWriter();
                Assert.Equal(0, KeyRewrapCommand.Run(Configuration(directory.Path, rotating), new TestEnvironment(directory.Path), output, error));
                Assert.Contains("1 data key(s) re-wrapped", output.ToString(), StringComparison.Ordinal);
                Assert.Equal(blobsBefore, BlobFiles(directory.Path));
                Assert.NotEqual(keyringBefore, await KeyringAsync(directory.Path));
                await AssertPredictsAsync(http, predictions[0]);

                // A model registered after the re-wrap is stored under the same data key and predicts after the restart too.
                predictions.Add(await BreastCancerPrediction.PrepareAsync(http, records: 2));
                await AssertPredictsAsync(http, predictions[^1]);
            }

            // Only the new key from now on: a restarted server recompiles each model from its stored document.
            var rotated = new Dictionary<string, string?> { ["HeCompute:AtRest:MasterKeyFile"] = newKey };
            await PredictAllAsync(directory.Path, rotated, secret, predictions);

            // The old key alone no longer opens the keyring, and says why (the start refuses it the same way: see the next test).
            using var staleOutput = new StringWriter();
            using var staleError = new StringWriter();
            Assert.Equal(1, KeyRewrapCommand.Run(Configuration(directory.Path, []), new TestEnvironment(directory.Path), staleOutput, staleError));
            Assert.Contains("Wrong master key", staleError.ToString(), StringComparison.Ordinal);
            Assert.Contains("PreviousMasterKeyFiles", staleError.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var p in predictions)
            {
                p.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_keyring_file_of_an_older_server_is_imported_into_the_metadata_store()
    {
        using var directory = new TempDirectory();
        var secret = "";
        using var prediction = await PrepareAsync();

        async Task<BreastCancerPrediction> PrepareAsync()
        {
            var first = new HeComputeFactory(directory.Path);
            await using (first.ConfigureAwait(true))
            {
                using var tenant = await first.NewTenantAsync(Roles.Hospital, Roles.ModelAdmin);
                secret = tenant.Secret;
                var prepared = await BreastCancerPrediction.PrepareAsync(tenant.Http);
                await AssertPredictsAsync(tenant.Http, prepared);
                return prepared;
            }
        }

        // As a server from before this change left it: the keyring in keys/keyring.json, none in the database.
        var file = Path.Combine(directory.Path, "keys", "keyring.json");
        var document = await KeyringAsync(directory.Path);
        File.WriteAllText(file, document);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory.Path, "hecompute.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM at_rest_keyring;";
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        await PredictAllAsync(directory.Path, [], secret, [prediction]);
        Assert.Equal(document, await KeyringAsync(directory.Path));

        // Imported: the file is no longer needed, the next start reads the store alone.
        File.Delete(file);
        await PredictAllAsync(directory.Path, [], secret, [prediction]);
    }

    [Fact]
    public async Task First_starts_racing_on_one_data_directory_generate_one_master_key()
    {
        for (var round = 0; round < 10; round++)
        {
            using var directory = new TempDirectory();
            var path = Path.Combine(directory.Path, "keys", "master.key");
            var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => MasterKey.Load(new HeCompute.Server.Options.AtRestOptions(), path).Current.Id)));
            Assert.Single(ids.Distinct());
            Assert.Equal(["master.key"], Directory.GetFiles(Path.Combine(directory.Path, "keys")).Select(Path.GetFileName));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task A_wrong_or_malformed_master_key_stops_the_start_with_its_reason()
    {
        using var directory = new TempDirectory();
        var first = new HeComputeFactory(directory.Path);
        await using (first.ConfigureAwait(true))
        {
            using var tenant = await first.NewTenantAsync(Roles.ModelAdmin);
            await ModelTests.RegisterAsync(tenant.Http, shared: false);
        }

        // The real server process, as an operator starts it: WebApplicationFactory races its own disposal of a host
        // that failed to start, so the start is observed from outside.
        var (code, output) = await RunServerAsync(directory.Path, ("HeCompute__AtRest__MasterKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        Assert.True(code != 0 && output.Contains("Wrong master key", StringComparison.Ordinal), $"exit {code}: {output}");
        Assert.Contains("HeCompute:AtRest:MasterKey", output, StringComparison.Ordinal);

        (code, output) = await RunServerAsync(directory.Path, ("HeCompute__AtRest__MasterKey", "c2hvcnQ="));
        Assert.True(code != 0 && output.Contains("is not 32 bytes in base64", StringComparison.Ordinal), $"exit {code}: {output}");

        (code, output) = await RunServerAsync(directory.Path, ("HeCompute__AtRest__MasterKeyFile", Path.Combine(directory.Path, "nope.key")));
        Assert.True(code != 0 && output.Contains("does not exist", StringComparison.Ordinal), $"exit {code}: {output}");
    }

    // Starts the built server on the data directory (HTTPS on a free loopback port) and returns its exit code and output.
    private static async Task<(int Code, string Output)> RunServerAsync(string dataDirectory, params (string Name, string Value)[] environment)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "HeCompute.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "server", "HeCompute.Server", "bin", output.Parent!.Name, output.Name, "HeCompute.Server.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "https://127.0.0.1:0";
        start.Environment["HeCompute__Storage__DataDirectory"] = dataDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task A_blob_written_before_encryption_at_rest_still_loads_and_is_checked_against_its_name()
    {
        using var directory = new TempDirectory();
        var factory = new HeComputeFactory(directory.Path);
        await using (factory.ConfigureAwait(true))
        {
            var blobs = factory.Services.GetRequiredService<IBlobStore>();
            foreach (var size in new[] { 0, 5, BlobEnvelope.HeaderLength, BlobEnvelope.ChunkSize, (3 * BlobEnvelope.ChunkSize) + 17 })
            {
                var content = RandomNumberGenerator.GetBytes(size);
                var sha = Api.Sha256Hex(content);
                Directory.CreateDirectory(Path.GetDirectoryName(BlobPath(directory.Path, sha))!);
                File.WriteAllBytes(BlobPath(directory.Path, sha), content);
                Assert.Equal(content, await ReadAllAsync(blobs.OpenRead(sha)));

                // A plaintext file that is not what its name says is refused like an altered envelope.
                if (size > 0)
                {
                    content[^1] ^= 1;
                    File.WriteAllBytes(BlobPath(directory.Path, sha), content);
                    var corrupt = await Assert.ThrowsAsync<Errors.DomainException>(() => ReadAllAsync(blobs.OpenRead(sha)));
                    Assert.Equal(Errors.DomainErrorKind.StorageCorrupt, corrupt.Kind);
                }

                blobs.Delete(sha);
            }

            // And what is written now round-trips through the envelope at every chunk boundary.
            foreach (var size in new[] { 0, 1, BlobEnvelope.ChunkSize - 1, BlobEnvelope.ChunkSize, BlobEnvelope.ChunkSize + 1, 2 * BlobEnvelope.ChunkSize })
            {
                var content = RandomNumberGenerator.GetBytes(size);
                using var staged = await blobs.StageAsync(new MemoryStream(content), size, CancellationToken.None);
                Assert.Equal((Api.Sha256Hex(content), (long)size), (staged.Sha256, staged.Length));
                Assert.True(BlobEnvelope.IsEnvelope(File.ReadAllBytes(staged.TempPath)), "the staged upload file holds the envelope, not the plaintext");
                Assert.Equal(content, await ReadAllAsync(staged.OpenRead()));
                await blobs.CommitAsync(staged, CancellationToken.None);
                var stored = File.ReadAllBytes(BlobPath(directory.Path, staged.Sha256));
                Assert.Equal(BlobEnvelope.HeaderLength + size + ((size / BlobEnvelope.ChunkSize) + 1) * BlobEnvelope.TagLength, stored.Length);
                Assert.Equal(content, await ReadAllAsync(blobs.OpenRead(staged.Sha256)));
                using var sync = blobs.OpenRead(staged.Sha256);
                using var copy = new MemoryStream();
                sync.CopyTo(copy);
                Assert.Equal(content, copy.ToArray());
            }

            await Assert.ThrowsAsync<PayloadTooLargeException>(() => blobs.StageAsync(new MemoryStream(new byte[100]), 99, CancellationToken.None));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(directory.Path, "blobs", "tmp")));
        }
    }

    private static async Task AssertCorruptAsync(HttpClient http, string url, string path, byte[] stored, string reason)
    {
        File.WriteAllBytes(path, stored);
        using var response = await http.GetAsync(url);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.StorageCorrupt);
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task PredictAllAsync(string dataDirectory, Dictionary<string, string?> settings, string secret, List<BreastCancerPrediction> predictions)
    {
        var factory = new HeComputeFactory(dataDirectory, settings);
        await using (factory.ConfigureAwait(true))
        {
            using var http = factory.Client(secret);
            foreach (var p in predictions)
            {
                await AssertPredictsAsync(http, p);
            }
        }
    }

    private static async Task AssertPredictsAsync(HttpClient http, BreastCancerPrediction prediction)
    {
        using var body = new ByteArrayContent(prediction.Input);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync(prediction.Url, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var logits = prediction.Compiled.Unpack(prediction.Client.Decrypt(await response.Content.ReadAsByteArrayAsync()), prediction.Records.Length);
        for (var r = 0; r < prediction.Records.Length; r++)
        {
            var expected = BreastCancerModel.Shared.Logits[r];
            Assert.True(Math.Abs(logits[r][0] - expected) <= prediction.Model.Plan.Precision.ExpectedMaxAbsError, $"record {r}: {logits[r][0]} vs {expected}");
        }
    }

    // A weight as Python's json wrote it, as .NET writes it back, and as the 8 bytes of a double.
    private static IEnumerable<byte[]> Encodings(double weight)
    {
        yield return Encoding.UTF8.GetBytes(weight.ToString("R", CultureInfo.InvariantCulture));
        yield return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(weight));
        yield return BitConverter.GetBytes(weight);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static Dictionary<string, string> BlobFiles(string dataDirectory) =>
        Directory.EnumerateFiles(Path.Combine(dataDirectory, "blobs", "sha256"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Api.Sha256Hex(File.ReadAllBytes(f)));

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }

    // The keyring document in the data directory's SQLite metadata store.
    private static async Task<string> KeyringAsync(string dataDirectory)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "hecompute.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM at_rest_keyring WHERE id = 1;";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static IConfiguration Configuration(string dataDirectory, Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["HeCompute:Storage:DataDirectory"] = dataDirectory }).Build();

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "HeCompute.Server";

        public string ContentRootPath { get; set; } = root;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
