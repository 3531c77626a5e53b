using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HeCompute.Testing;

/// <summary>
/// A throw-away PostgreSQL server from Debian's <c>postgresql</c> package on a free loopback port (trust
/// authentication, 127.0.0.1 only, no Unix socket), its data directory a fresh temp directory, deleted on dispose.
/// <c>initdb</c> and <c>pg_ctl</c> refuse to run as root, so under root they run as the <c>postgres</c> user the
/// package creates. Test assemblies use it as the fixture of one collection (<see cref="Collection"/>), so it starts
/// once per run and stops when that collection ends; each test takes its own database (<see cref="CreateDatabaseAsync"/>).
/// A machine without the package fails every test that needs it, never skips them.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>
    /// The collection every PostgreSQL test joins. It runs with nothing else in parallel, so allocation measured
    /// process-wide in it is its own.
    /// </summary>
    public const string Collection = "PostgreSQL";

    private const string DirectoryPrefix = "hecompute-pg-";
    private readonly string _bin;
    private readonly string _dataDirectory;
    private readonly bool _asRoot;

    /// <summary>Creates, configures and starts the server.</summary>
    public PostgresServer()
    {
        _bin = FindBinaries();
        _asRoot = Environment.UserName == "root";
        SweepStale();
        _dataDirectory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dataDirectory);
        try
        {
            if (_asRoot)
            {
                Run("chown", ["postgres:postgres", _dataDirectory], asRoot: false);
            }

            Run(Path.Combine(_bin, "initdb"), ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], _asRoot);
            // Loopback TCP only, and settings for a disposable cluster (durability is not what these tests are about).
            File.AppendAllLines(Path.Combine(_dataDirectory, "postgresql.conf"),
            [
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = ''",
                "max_connections = 300",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
            ]);
            Port = StartOnFreePort();
        }
        catch
        {
            Directory.Delete(_dataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database with a fresh name; disposing the result drops it.</summary>
    public async Task<PostgresTestDatabase> CreateDatabaseAsync()
    {
        var name = "hecompute_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE {name};").ConfigureAwait(false);
        return new PostgresTestDatabase(this, name);
    }

    /// <summary>Runs one statement in the maintenance database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the server (immediate mode: nothing in it is kept) and deletes its data directory.</summary>
    public void Dispose()
    {
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], _asRoot);
        }
        finally
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private int StartOnFreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            try
            {
                Run(Path.Combine(_bin, "pg_ctl"),
                    ["-D", _dataDirectory, "-l", Path.Combine(_dataDirectory, "server.log"), "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)}", "-w", "-t", "60", "start"],
                    _asRoot);
                return port;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between probing and binding: try another.
            }
        }
    }

    /// <summary>Deletes data directories an aborted run left: no server runs in them (no pid file) and they are an hour old.</summary>
    private static void SweepStale()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            if (!File.Exists(Path.Combine(directory, "postmaster.pid")) && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddHours(-1))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static string FindBinaries()
    {
        // Debian installs each major version under /usr/lib/postgresql/<version>/bin; take the newest.
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Directory: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Directory, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Directory, "bin"))
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): install Debian's postgresql package, as ./test.sh does.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string program, IReadOnlyList<string> arguments, bool asRoot)
    {
        var start = new ProcessStartInfo(asRoot ? Runuser() : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result} {error.Result}");
        }
    }

    private static string Runuser() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("runuser (util-linux) is needed to run PostgreSQL's tools as the postgres user.");
}

/// <summary>A database of a <see cref="PostgresServer"/>, dropped on dispose.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly PostgresServer _server;

    internal PostgresTestDatabase(PostgresServer server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = server.ConnectionString(name);
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>A connection string for it.</summary>
    public string ConnectionString { get; }

    /// <summary>The settings that put a server (or a storage host) on this database, blobs in the database too.</summary>
    public Dictionary<string, string?> ServerSettings(int maxPoolSize = 10) => new()
    {
        ["HeCompute:Storage:Provider"] = "postgres",
        ["HeCompute:Storage:Postgres:ConnectionString"] = ConnectionString,
        ["HeCompute:Storage:Postgres:MaxPoolSize"] = maxPoolSize.ToString(CultureInfo.InvariantCulture),
        ["HeCompute:AtRest:MasterKey"] = MasterKey,
    };

    /// <summary>
    /// The master key every node on a test database is configured with (PostgreSQL needs one set, the same on every
    /// node): a fixed test value, never a production key.
    /// </summary>
    public static string MasterKey { get; } = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("HeCompute test master key"u8));

    /// <summary>Drops the database, closing whatever connections are left.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.ExecuteAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);").ConfigureAwait(false);
    }
}
