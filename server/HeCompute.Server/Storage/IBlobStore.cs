namespace HeCompute.Server.Storage;

/// <summary>
/// Content-addressed blob storage: objects are named by the hex SHA-256 of their bytes. Writes go to a temporary file
/// first (streamed, hashed and size-checked on the way) and become visible only when committed.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="source"/> to a temporary file, hashing it.</summary>
    /// <exception cref="PayloadTooLargeException">More than <paramref name="maxBytes"/> bytes.</exception>
    Task<StagedBlob> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Makes a staged blob durable under its hash (a no-op copy if the content already exists).</summary>
    Task CommitAsync(StagedBlob staged, CancellationToken cancellationToken);

    /// <summary>Opens a committed blob for reading.</summary>
    /// <exception cref="FileNotFoundException">No such blob.</exception>
    Stream OpenRead(string sha256);

    /// <summary>Whether the blob exists.</summary>
    bool Exists(string sha256);

    /// <summary>Deletes the blob if it exists.</summary>
    void Delete(string sha256);

    /// <summary>Throws if the directory cannot be written and read.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
