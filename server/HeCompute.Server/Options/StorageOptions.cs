namespace HeCompute.Server.Options;

/// <summary>Embedded storage: a SQLite database for metadata and a content-addressed blob directory.</summary>
public sealed class StorageOptions
{
    /// <summary>Root of the server's data; relative paths are resolved against the content root. Default <c>data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite database file; default <c>{DataDirectory}/hecompute.db</c>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The blob directory; default <c>{DataDirectory}/blobs</c>.</summary>
    public string? BlobDirectory { get; set; }
}
