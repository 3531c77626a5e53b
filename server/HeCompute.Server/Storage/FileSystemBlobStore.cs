namespace HeCompute.Server.Storage;

/// <summary>
/// Blobs as files under <c>{BlobDirectory}/sha256/{first two hex digits}/{hash}</c>. A write streams to
/// <c>{BlobDirectory}/tmp/</c>, is flushed to disk (fsync), and is renamed into place on commit, so a reader never
/// sees a partial blob and a crash leaves at most a stray temporary file (swept on start).
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int BufferSize = BlobStaging.BufferSize;
    private readonly string _objects;
    private readonly string _temp;

    /// <summary>Creates the store and its directories, removing temporary files a crash left behind.</summary>
    public FileSystemBlobStore(StoragePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _objects = Path.Combine(paths.BlobDirectory, "sha256");
        _temp = Path.Combine(paths.BlobDirectory, "tmp");
        PrivateFiles.CreateDirectory(paths.DataDirectory);
        PrivateFiles.CreateDirectory(paths.BlobDirectory);
        PrivateFiles.CreateDirectory(_objects);
        PrivateFiles.CreateDirectory(_temp);
        foreach (var stale in Directory.EnumerateFiles(_temp))
        {
            File.Delete(stale);
        }
    }

    /// <inheritdoc/>
    public Task<StagedBlob> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken) =>
        BlobStaging.StageAsync(_temp, source, maxBytes, cancellationToken);

    /// <inheritdoc/>
    public Task CommitAsync(StagedBlob staged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        if (staged.Committed)
        {
            return Task.CompletedTask;
        }

        var final = PathOf(staged.Sha256);
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(final)!);
        if (File.Exists(final))
        {
            File.Delete(staged.TempPath);
        }
        else
        {
            try
            {
                File.Move(staged.TempPath, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // Same content committed concurrently: identical bytes, keep theirs.
                File.Delete(staged.TempPath);
            }
        }

        staged.Committed = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Stream OpenRead(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <inheritdoc/>
    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    /// <inheritdoc/>
    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(_temp, "health-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(probe, [1, 2, 3], cancellationToken).ConfigureAwait(false);
            var back = await File.ReadAllBytesAsync(probe, cancellationToken).ConfigureAwait(false);
            if (back.Length != 3)
            {
                throw new IOException("The blob directory did not return what was written.");
            }
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private string PathOf(string sha256)
    {
        BlobStaging.CheckName(sha256);
        return Path.Combine(_objects, sha256[..2], sha256);
    }
}
