namespace HeCompute.Server.Storage;

/// <summary>A blob written to a temporary file and not yet committed; disposing an uncommitted one deletes it.</summary>
public sealed class StagedBlob : IDisposable
{
    private readonly Func<Stream, Stream>? _decode;

    internal StagedBlob(string tempPath, string sha256, long length, Func<Stream, Stream>? decode = null)
    {
        TempPath = tempPath;
        Sha256 = sha256;
        Length = length;
        _decode = decode;
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
    public Stream OpenRead()
    {
        var file = new FileStream(TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        return _decode is null ? file : _decode(file);
    }

    /// <summary>
    /// The same staged file under another name and length, read through <paramref name="decode"/>: how a layer that
    /// transforms content on its way in (encryption at rest) hands back the blob of the content it was given. This
    /// instance is spent: only the returned one may be committed or disposed.
    /// </summary>
    internal StagedBlob Relabel(string sha256, long length, Func<Stream, Stream> decode) => new(TempPath, sha256, length, decode);

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
