using HeCompute.Server.Errors;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HeCompute.Server.Storage;

/// <summary>
/// Recognises the exceptions the file system and SQLite raise when the data directory cannot be written, so that a
/// read-only or full disk is answered as the server's condition (503, 507) instead of an unexpected error.
/// </summary>
public static class StorageFaults
{
    // errno values (Linux and macOS agree on these) that .NET puts in IOException.HResult on Unix.
    private const int Eio = 5;
    private const int Enospc = 28;
    private const int Erofs = 30;
    private const int Edquot = 122;

    // Windows: ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL as HRESULTs.
    private const int HandleDiskFull = unchecked((int)0x80070027);
    private const int DiskFull = unchecked((int)0x80070070);

    // SQLite primary result codes.
    private const int SqlitePerm = 3;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <summary>The domain error for a storage fault, or null when <paramref name="exception"/> is not one.</summary>
    public static DomainException? Classify(Exception exception) => exception switch
    {
        // Missing files are a different problem (a lost blob), not a condition of the disk.
        FileNotFoundException or DirectoryNotFoundException => null,
        UnauthorizedAccessException => DomainErrors.Storage(false, "The server cannot write to its data directory (read-only or not permitted).", exception),
        IOException { HResult: Enospc or Edquot or HandleDiskFull or DiskFull } =>
            DomainErrors.Storage(true, "The server's data directory has no space left.", exception),
        IOException { HResult: Erofs or Eio } => DomainErrors.Storage(false, "The server cannot write to its data directory (read-only file system or I/O error).", exception),
        SqliteException { SqliteErrorCode: SqliteFull } => DomainErrors.Storage(true, "The server's database has no space left.", exception),
        SqliteException { SqliteErrorCode: SqliteReadOnly or SqliteIoError or SqliteCantOpen or SqlitePerm } =>
            DomainErrors.Storage(false, "The server cannot write to its database (read-only, not permitted or I/O error).", exception),
        // PostgreSQL: disk_full; a database that refuses writes or is out of reach (read-only transaction, the
        // database or its login gone, and whatever Npgsql deems transient: connection failures, shutdown, resources,
        // pool timeouts).
        PostgresException { SqlState: "53100" } => DomainErrors.Storage(true, "The server's database has no space left.", exception),
        PostgresException { SqlState: "25006" or "3D000" } or PostgresException { SqlState: ['2', '8', ..] } or NpgsqlException { IsTransient: true } =>
            DomainErrors.Storage(false, "The server's database is unreachable or does not accept writes now.", exception),
        _ => null,
    };
}
