namespace HeCompute.Server.Tests.Cluster;

/// <summary>
/// The storage every node of a test cluster shares, as the nodes' settings: one PostgreSQL database (metadata, blobs
/// and the at-rest keyring in it) and one master key configured on every node, as deploy/ runs a cluster. Each node
/// has its own data directory, which holds nothing another node needs.
/// </summary>
public sealed class SharedStorage : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly PostgresTestDatabase _database;

    private SharedStorage(PostgresTestDatabase database) => _database = database;

    /// <summary>A fresh database on the server.</summary>
    public static async Task<SharedStorage> CreateAsync(PostgresServer server) => new(await server.CreateDatabaseAsync());

    /// <summary>The data directory of the node <paramref name="node"/>.</summary>
    public string DataDirectory(string node) => Path.Combine(_directory.Path, node);

    /// <summary>A node's settings, as environment variables of its process.</summary>
    public IReadOnlyDictionary<string, string> SettingsFor(string node)
    {
        var settings = _database.ServerSettings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        settings["HeCompute__Storage__DataDirectory"] = DataDirectory(node);
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }
}
