namespace HeCompute.Server.Storage;

/// <summary>A blob written to a temporary file and not yet committed; disposing an uncommitted one deletes it.</summary>
public sealed class StagedBlob : IDisposable
{
    internal StagedBlob(string tempPath, string sha256, long length)
    {
        TempPath = tempPath;
        Sha256 = sha256;
        Length = length;
    }

    /// <summary>The temporary file.</summary>
    public string TempPath { get; }

    /// <summary>Hex SHA-256 of the content.</summary>
    public string Sha256 { get; }

    /// <summary>Size in bytes.</summary>
    public long Length { get; }

    /// <summary>Whether <see cref="IBlobStore.CommitAsync"/> has taken the file.</summary>
    public bool Committed { get; internal set; }

    /// <summary>Opens the staged content for reading (to validate it before committing).</summary>
    public Stream OpenRead() =>
        new FileStream(TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);

    /// <summary>Deletes the temporary file unless committed.</summary>
    public void Dispose()
    {
        if (!Committed)
        {
            try
            {
                File.Delete(TempPath);
            }
            catch (IOException)
            {
                // Left for the start-up sweep of the temporary directory.
            }
        }
    }
}
