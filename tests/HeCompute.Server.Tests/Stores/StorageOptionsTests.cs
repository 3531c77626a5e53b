using Microsoft.Extensions.Options;

namespace HeCompute.Server.Tests.Stores;

/// <summary>Storage settings the server cannot run with stop it at start, naming the setting.</summary>
public sealed class StorageOptionsTests
{
    public static TheoryData<string, string?, string?, string> Invalid => new()
    {
        { "mysql", null, null, "HeCompute:Storage:Provider must be 'sqlite' or 'postgres'." },
        { "postgres", null, null, "HeCompute:Storage:Postgres:ConnectionString must be set for the postgres provider." },
        { "postgres", "0", null, "HeCompute:Storage:Postgres:MaxPoolSize must be between 1 and 1000." },
        { "postgres", null, "s3", "HeCompute:Storage:Postgres:Blobs must be 'database' or 'directory'." },
    };

    [Fact]
    public async Task A_chunk_size_outside_4_KiB_to_64_MiB_stops_the_server_at_start()
    {
        using var directory = new TempDirectory();
        var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Storage:Provider"] = "postgres",
            ["HeCompute:Storage:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none",
            ["HeCompute:Storage:Postgres:BlobChunkBytes"] = "4095",
        });
        await using (factory.ConfigureAwait(true))
        {
            var failure = Assert.Throws<OptionsValidationException>(() => factory.Services);
            Assert.Contains("HeCompute:Storage:Postgres:BlobChunkBytes must be between 4096 and 67108864.", failure.Failures);
        }
    }

    [Fact]
    public async Task A_node_on_postgres_without_a_configured_master_key_refuses_to_start_and_generates_none()
    {
        using var directory = new TempDirectory();
        var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Storage:Provider"] = "postgres",
            ["HeCompute:Storage:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none",
        });
        await using (factory.ConfigureAwait(true))
        {
            var failure = Assert.Throws<OptionsValidationException>(() => factory.Services);
            Assert.Contains(failure.Failures, f => f.StartsWith("HeCompute:AtRest:MasterKey or HeCompute:AtRest:MasterKeyFile must be set for the postgres provider", StringComparison.Ordinal));
        }

        Assert.False(File.Exists(Path.Combine(directory.Path, "keys", "master.key")));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_storage_settings_stop_the_server_at_start(string provider, string? maxPoolSize, string? blobs, string message)
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["HeCompute:Storage:Provider"] = provider };
        if (provider == "postgres" && !message.Contains("ConnectionString", StringComparison.Ordinal))
        {
            settings["HeCompute:Storage:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none";
        }

        settings["HeCompute:Storage:Postgres:MaxPoolSize"] = maxPoolSize;
        settings["HeCompute:Storage:Postgres:Blobs"] = blobs;
        var factory = new HeComputeFactory(directory.Path, settings);
        await using (factory.ConfigureAwait(true))
        {
            var failure = Assert.Throws<OptionsValidationException>(() => factory.Services);
            Assert.Contains(message, failure.Failures);
        }
    }
}
