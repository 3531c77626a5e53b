using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage;

/// <summary>Resolved absolute paths of the embedded storage.</summary>
public sealed class StoragePaths
{
    /// <summary>Resolves the configured paths against the content root.</summary>
    public StoragePaths(IOptions<HeComputeServerOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var storage = options.Value.Storage;
        DataDirectory = Path.GetFullPath(storage.DataDirectory, environment.ContentRootPath);
        DatabasePath = Path.GetFullPath(storage.DatabasePath ?? Path.Combine(DataDirectory, "hecompute.db"), environment.ContentRootPath);
        BlobDirectory = Path.GetFullPath(storage.BlobDirectory ?? Path.Combine(DataDirectory, "blobs"), environment.ContentRootPath);
    }

    /// <summary>The data root.</summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The blob directory.</summary>
    public string BlobDirectory { get; }
}
