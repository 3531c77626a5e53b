using System.Buffers;
using System.Security.Cryptography;

namespace HeCompute.Server.Storage;

/// <summary>Streams an upload to a private temporary file, hashing and size-checking it on the way (every blob store stages this way).</summary>
internal static class BlobStaging
{
    public const int BufferSize = 81920;

    /// <summary>Writes <paramref name="source"/> to a new file in <paramref name="directory"/>, flushed to disk.</summary>
    /// <exception cref="PayloadTooLargeException">More than <paramref name="maxBytes"/> bytes.</exception>
    public static async Task<StagedBlob> StageAsync(string directory, Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tempPath = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".tmp");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var completed = false;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var file = new FileStream(tempPath, PrivateFiles.CreateOptions(FileMode.CreateNew, BufferSize, FileOptions.Asynchronous)))
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length > maxBytes)
                    {
                        throw new PayloadTooLargeException($"The body is larger than the allowed {maxBytes} bytes.", maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            completed = true;
            return new StagedBlob(tempPath, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!completed)
            {
                File.Delete(tempPath);
            }
        }
    }

    /// <summary>Throws unless <paramref name="sha256"/> is a blob name: 64 lowercase hex digits.</summary>
    public static void CheckName(string sha256)
    {
        if (sha256 is null || sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("A blob name is 64 lowercase hex digits.", nameof(sha256));
        }
    }
}
