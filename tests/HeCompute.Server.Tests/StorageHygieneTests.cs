using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeCompute.Server.Tests;

/// <summary>
/// The data directory is private (directories 0700, files 0600), a generated admin key goes to a 0600 file and never
/// to the console or the logs, and storage that cannot be written answers 503 or 507 problems, never 500.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes; Windows inherits the parent's ACL
public sealed class StorageHygieneTests
{
    private static UnixFileMode ModeOf(string path) => File.GetUnixFileMode(path);

    [Fact]
    public async Task Data_directory_database_and_blobs_are_private_and_an_existing_directory_is_tightened()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "data");
        // A directory left world-readable by an earlier version, with the blob directory still to be created.
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
        var factory = new HeComputeFactory(data);
        await using (factory.ConfigureAwait(true))
        {
            using var admin = await factory.NewTenantAsync(Roles.ModelAdmin);
            await ModelTests.RegisterAsync(admin.Http, shared: false);

            var directories = Directory.GetDirectories(data, "*", SearchOption.AllDirectories).Append(data).ToList();
            var files = Directory.GetFiles(data, "*", SearchOption.AllDirectories);
            // The database (with its WAL) and at least the model's two blobs are there, so the assertions below bite.
            Assert.Contains(Path.Combine(data, "hecompute.db"), files);
            Assert.Contains(Path.Combine(data, "hecompute.db-wal"), files);
            Assert.True(files.Count(f => f.Contains($"{Path.DirectorySeparatorChar}sha256{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) >= 2, string.Join(", ", files));
            Assert.All(directories, d => Assert.True(ModeOf(d) == PrivateFiles.DirectoryMode, $"{d} is {ModeOf(d)}"));
            Assert.All(files, f => Assert.True(ModeOf(f) == PrivateFiles.FileMode, $"{f} is {ModeOf(f)}"));
        }
    }

    [Fact]
    public async Task A_generated_admin_key_goes_to_a_private_file_and_only_its_path_is_printed_and_logged()
    {
        using var root = new TempDirectory();
        var console = new StringWriter();
        var previous = BootstrapAdmin.Console;
        BootstrapAdmin.Console = console;
        try
        {
            var factory = new HeComputeFactory(root.Path, new Dictionary<string, string?> { ["HeCompute:BootstrapAdminKey"] = null });
            await using (factory.ConfigureAwait(true))
            {
                using var anonymous = factory.Client(null);
                Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);

                var keyFile = Path.Combine(root.Path, BootstrapAdmin.KeyFileName);
                Assert.Equal(PrivateFiles.FileMode, ModeOf(keyFile));
                var key = (await File.ReadAllTextAsync(keyFile)).Trim();
                Assert.StartsWith("hck_", key, StringComparison.Ordinal);

                using var admin = factory.Client(key);
                var me = await admin.GetFromJsonAsync<JsonElement>("/v1/me", HeComputeJson.Options);
                Assert.Contains(Roles.Admin, me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

                Assert.Contains(keyFile, console.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(key, console.ToString(), StringComparison.Ordinal);
                var logs = factory.Logs.Messages.ToList();
                Assert.Contains(logs, m => m.Contains(keyFile, StringComparison.Ordinal));
                Assert.DoesNotContain(logs, m => m.Contains(key, StringComparison.Ordinal));
            }
        }
        finally
        {
            BootstrapAdmin.Console = previous;
        }
    }

    public static TheoryData<string, HttpStatusCode, string> Faults => new()
    {
        { "read-only", HttpStatusCode.ServiceUnavailable, ProblemTypes.StorageUnavailable },
        { "denied", HttpStatusCode.ServiceUnavailable, ProblemTypes.StorageUnavailable },
        { "full", HttpStatusCode.InsufficientStorage, ProblemTypes.StorageFull },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_upload_to_storage_that_cannot_be_written_is_a_503_or_507_problem(string fault, HttpStatusCode status, string type)
    {
        var exception = RealException(fault);
        using var root = new TempDirectory();
        var factory = new HeComputeFactory(root.Path, services: s =>
        {
            s.RemoveAll<IBlobStore>();
            s.AddSingleton<IBlobStore>(p => new FailingBlobStore(p.GetRequiredService<FileSystemBlobStore>(), exception));
        });
        await using (factory.ConfigureAwait(true))
        {
            using var admin = await factory.NewTenantAsync(Roles.ModelAdmin);
            var document = JsonDocument.Parse(BreastCancerModel.Shared.ModelJson).RootElement;
            using var response = await admin.Http.PostAsJsonAsync("/v1/models", new RegisterModelRequest("unwritable", document), HeComputeJson.Options);
            await Api.AssertProblemAsync(response, status, type);
        }
    }

    // The exceptions the OS gives, obtained from the OS where this machine can produce them (tests run as root, which
    // ignores file modes, and no read-only file system may be mounted here).
    private static Exception RealException(string fault)
    {
        switch (fault)
        {
            case "full":
                // /dev/full answers every write with ENOSPC, exactly as a full disk does.
                var full = Assert.ThrowsAny<IOException>(() =>
                {
                    using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                    stream.Write(new byte[4096]);
                    stream.Flush();
                });
                Assert.Equal(28, full.HResult);
                return full;
            case "denied":
                // Opening a directory for writing is refused by the OS as access denied, the type EACCES and EPERM give.
                using (var directory = new TempDirectory())
                {
                    return Assert.Throws<UnauthorizedAccessException>(() => new FileStream(directory.Path, FileMode.Open, FileAccess.Write));
                }

            default:
                // EROFS: .NET raises an IOException whose HResult is the errno (30); no read-only mount is available here.
                return new IOException($"Read-only file system : '{Path.GetTempPath()}'", 30);
        }
    }

    /// <summary>The real store, except that writes fail with the given exception.</summary>
    private sealed class FailingBlobStore(IBlobStore inner, Exception failure) : IBlobStore
    {
        public Task<StagedBlob> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken) => Task.FromException<StagedBlob>(failure);

        public Task CommitAsync(StagedBlob staged, CancellationToken cancellationToken) => Task.FromException(failure);

        public Stream OpenRead(string sha256) => inner.OpenRead(sha256);

        public bool Exists(string sha256) => inner.Exists(sha256);

        public void Delete(string sha256) => inner.Delete(sha256);

        public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }
}
