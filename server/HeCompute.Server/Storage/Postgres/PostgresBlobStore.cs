using System.Buffers;
using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// Blobs in PostgreSQL, shared by every node: a <c>blobs</c> row per object and its bytes in <c>blob_chunks</c> rows of
/// a fixed size. Uploads stage to a local temporary file (hashed on the way), then stream into the chunk rows in one
/// transaction, so a blob is visible whole or not at all; reads fetch one chunk at a time. Neither ever holds more
/// than one chunk of a blob in memory.
/// </summary>
public sealed class PostgresBlobStore : IBlobStore
{
    private readonly PostgresDatabase _database;
    private readonly string _temp;

    /// <summary>Creates the store; staged uploads go to <c>{DataDirectory}/staging</c> (swept on start).</summary>
    public PostgresBlobStore(PostgresDatabase database, StoragePaths paths)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(paths);
        _database = database;
        _temp = Path.Combine(paths.DataDirectory, "staging");
        PrivateFiles.CreateDirectory(paths.DataDirectory);
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
    public async Task CommitAsync(StagedBlob staged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        if (staged.Committed)
        {
            return;
        }

        var chunkBytes = _database.BlobChunkBytes;
        // What is stored is the staged file, whose length a layer above may have relabelled (encryption at rest names
        // the plaintext's): the row records the file's, or reads would stop short of the last chunk.
        var storedBytes = new FileInfo(staged.TempPath).Length;
        await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            // A node committing the same content at once waits here for the other's transaction; then there is nothing to do.
            await using (var claim = connection.Command(
                "INSERT INTO blobs (sha256, bytes, chunk_bytes) VALUES (@sha, @bytes, @chunk) ON CONFLICT (sha256) DO NOTHING;", transaction)
                .With("sha", staged.Sha256).With("bytes", storedBytes).With("chunk", chunkBytes))
            {
                if (await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    Finish(staged);
                    return;
                }
            }

            var buffer = ArrayPool<byte>.Shared.Rent(chunkBytes);
            try
            {
                await using var file = new FileStream(staged.TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, BlobStaging.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using var insert = connection.Command("INSERT INTO blob_chunks (sha256, ordinal, data) VALUES (@sha, @ordinal, @data);", transaction);
                insert.Parameters.Add(new NpgsqlParameter<string>("sha", staged.Sha256));
                var ordinal = insert.Parameters.Add(new NpgsqlParameter<int>("ordinal", 0));
                var data = insert.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea));
                for (var index = 0; ; index++)
                {
                    var filled = await file.ReadAtLeastAsync(buffer.AsMemory(0, chunkBytes), chunkBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    if (filled == 0)
                    {
                        break;
                    }

                    ordinal.Value = index;
                    data.Value = new ArraySegment<byte>(buffer, 0, filled);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    if (filled < chunkBytes)
                    {
                        break;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Finish(staged);
    }

    /// <inheritdoc/>
    public Stream OpenRead(string sha256)
    {
        BlobStaging.CheckName(sha256);
        using var connection = _database.Open();
        using var command = connection.Command("SELECT bytes, chunk_bytes FROM blobs WHERE sha256 = @sha;").With("sha", sha256);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new FileNotFoundException($"No blob {sha256}.", sha256);
        }

        return new PostgresBlobReadStream(_database, sha256, reader.GetInt64(0), reader.GetInt32(1));
    }

    /// <inheritdoc/>
    public bool Exists(string sha256)
    {
        BlobStaging.CheckName(sha256);
        using var connection = _database.Open();
        using var command = connection.Command("SELECT 1 FROM blobs WHERE sha256 = @sha;").With("sha", sha256);
        return command.ExecuteScalar() is not null;
    }

    /// <inheritdoc/>
    public void Delete(string sha256)
    {
        BlobStaging.CheckName(sha256);
        using var connection = _database.Open();
        using var command = connection.Command("DELETE FROM blobs WHERE sha256 = @sha;").With("sha", sha256);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        // A probe blob written and read back inside a transaction that is rolled back: proves writes work, leaves nothing.
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var probe = "health-" + Guid.NewGuid().ToString("N");
        await using (var write = connection.Command(
            """
            INSERT INTO blobs (sha256, bytes, chunk_bytes) VALUES (@sha, 3, 3);
            INSERT INTO blob_chunks (sha256, ordinal, data) VALUES (@sha, 0, @data);
            """, transaction).With("sha", probe).With("data", new byte[] { 1, 2, 3 }))
        {
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var read = connection.Command("SELECT length(data) FROM blob_chunks WHERE sha256 = @sha;", transaction).With("sha", probe))
        {
            if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not 3)
            {
                throw new IOException("The blob store did not return what was written.");
            }
        }

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Finish(StagedBlob staged)
    {
        File.Delete(staged.TempPath);
        staged.Committed = true;
    }

    /// <summary>Reads a blob's chunks in order, one query (and one pooled buffer) at a time.</summary>
    private sealed class PostgresBlobReadStream(PostgresDatabase database, string sha256, long length, int chunkBytes) : Stream
    {
        private byte[]? _chunk = ArrayPool<byte>.Shared.Rent(chunkBytes);
        private int _chunkLength;
        private int _chunkOffset;
        private int _nextOrdinal;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!Available())
            {
                using var connection = database.Open();
                using var command = ChunkQuery(connection);
                using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess);
                Fill(reader.Read() ? reader : null);
            }

            return Copy(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Available())
            {
                await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = ChunkQuery(connection);
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                Fill(await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader : null);
            }

            return Copy(buffer.Span);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (_chunk is { } chunk)
            {
                _chunk = null;
                ArrayPool<byte>.Shared.Return(chunk);
            }

            base.Dispose(disposing);
        }

        /// <summary>Whether the current chunk has bytes left, or the blob has ended (nothing more to fetch).</summary>
        private bool Available()
        {
            ObjectDisposedException.ThrowIf(_chunk is null, this);
            return _chunkOffset < _chunkLength || _position >= length;
        }

        private NpgsqlCommand ChunkQuery(NpgsqlConnection connection) =>
            connection.Command("SELECT data FROM blob_chunks WHERE sha256 = @sha AND ordinal = @ordinal;").With("sha", sha256).With("ordinal", _nextOrdinal);

        private void Fill(NpgsqlDataReader? reader)
        {
            if (reader is null)
            {
                throw new InvalidDataException($"Blob {sha256} is missing chunk {_nextOrdinal}.");
            }

            var read = reader.GetBytes(0, 0, _chunk, 0, _chunk!.Length);
            if (read == 0 || read > chunkBytes)
            {
                throw new InvalidDataException($"Blob {sha256} has a malformed chunk {_nextOrdinal}.");
            }

            _chunkLength = (int)read;
            _chunkOffset = 0;
            _nextOrdinal++;
        }

        private int Copy(Span<byte> destination)
        {
            var count = Math.Min(destination.Length, _chunkLength - _chunkOffset);
            if (count <= 0)
            {
                return 0;
            }

            _chunk.AsSpan(_chunkOffset, count).CopyTo(destination);
            _chunkOffset += count;
            _position += count;
            return count;
        }
    }
}
