namespace HeCompute.Server.Tests.Cluster;

/// <summary>
/// The storage every node of a test cluster shares, as the nodes' settings: the one place to change when the
/// cluster moves to another backend (PostgreSQL, once it lands, replaces these settings with its connection string
/// and a shared blob store). Today: one SQLite database file (WAL journal, busy timeout, so several processes write it)
/// and one blob directory, in one data directory all nodes use.
/// </summary>
public sealed class SharedStorage : IDisposable
{
    private readonly TempDirectory _directory = new();

    public string DataDirectory => _directory.Path;

    /// <summary>The settings, as environment variables of a node process.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["HeCompute__Storage__DataDirectory"] = _directory.Path,
    };

    public void Dispose() => _directory.Dispose();
}
