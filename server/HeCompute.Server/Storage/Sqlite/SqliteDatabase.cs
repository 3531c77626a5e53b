using System.Globalization;
using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>Opens connections to the embedded SQLite database (WAL journal, busy timeout, foreign keys).</summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    /// <summary>Points at the configured database file, creating it and its directories private (0600, 0700).</summary>
    public SqliteDatabase(StoragePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        PrivateFiles.CreateDirectory(paths.DataDirectory);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(paths.DatabasePath)!);

        // SQLite creates its WAL and shared-memory files with the database file's mode, so a database created
        // 0600 here (SQLite takes an empty file as a new database) keeps all three private.
        if (!File.Exists(paths.DatabasePath))
        {
            using var created = new FileStream(paths.DatabasePath, PrivateFiles.CreateOptions(FileMode.OpenOrCreate, 1, FileOptions.None));
        }

        foreach (var file in new[] { paths.DatabasePath, paths.DatabasePath + "-wal", paths.DatabasePath + "-shm" })
        {
            PrivateFiles.Tighten(file);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = paths.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Opens a connection.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Formats a timestamp the way every table stores it (sortable UTC text).</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats a nullable timestamp.</summary>
    public static object FormatOrNull(DateTimeOffset? value) => value is { } v ? Format(v) : DBNull.Value;

    /// <summary>Parses a stored timestamp.</summary>
    public static DateTimeOffset Parse(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
