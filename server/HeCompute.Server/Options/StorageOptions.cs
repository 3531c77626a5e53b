namespace HeCompute.Server.Options;

/// <summary>
/// Storage: by default (<c>sqlite</c>) a SQLite database for metadata and a content-addressed blob directory, both under
/// <see cref="DataDirectory"/>; with <c>postgres</c> the metadata (and, if chosen, the blobs) live in a PostgreSQL
/// database that several server nodes share.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The embedded provider's name (the default).</summary>
    public const string SqliteProvider = "sqlite";

    /// <summary>The shared PostgreSQL provider's name.</summary>
    public const string PostgresProvider = "postgres";

    /// <summary>Root of the server's data; relative paths are resolved against the content root. Default <c>data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where metadata lives: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>The SQLite database file; default <c>{DataDirectory}/hecompute.db</c>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The blob directory; default <c>{DataDirectory}/blobs</c> (a shared path when several nodes use it).</summary>
    public string? BlobDirectory { get; set; }

    /// <summary>The PostgreSQL provider's settings.</summary>
    public PostgresStorageOptions Postgres { get; set; } = new();
}

/// <summary>The PostgreSQL storage provider.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Blobs in the database's chunk table.</summary>
    public const string DatabaseBlobs = "database";

    /// <summary>Blobs in <see cref="StorageOptions.BlobDirectory"/> (a directory every node mounts).</summary>
    public const string DirectoryBlobs = "directory";

    /// <summary>An Npgsql connection string (required with the <c>postgres</c> provider).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Upper bound on this node's open connections (Npgsql's Max Pool Size). Default 20.</summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>Where blobs go: <c>database</c> (default, chunked rows) or <c>directory</c>.</summary>
    public string Blobs { get; set; } = DatabaseBlobs;

    /// <summary>Size of one stored blob chunk in bytes. Default 1 MiB.</summary>
    public int BlobChunkBytes { get; set; } = 1 << 20;
}
