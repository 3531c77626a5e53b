namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// The blob-reference lock across nodes: a PostgreSQL session advisory lock. Callers of one node queue in process
/// first, so a node holds at most one pooled connection for it, and a capped pool cannot be filled by waiters.
/// </summary>
public sealed class PostgresBlobReferenceLock(PostgresDatabase database) : IBlobReferenceLock, IDisposable
{
    /// <summary>The advisory lock key (an arbitrary constant of this application, distinct from the migration lock).</summary>
    internal const long Key = 0x4865_436F_6D70_0002;

    private readonly InProcessBlobReferenceLock _local = new();

    /// <inheritdoc/>
    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var local = await _local.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var command = connection.Command("SELECT pg_advisory_lock(@key);").With("key", Key);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new Releaser(connection, local);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _local.Dispose();

    private sealed class Releaser(Npgsql.NpgsqlConnection connection, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = connection.Command("SELECT pg_advisory_unlock(@key);").With("key", Key);
                await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                // A connection whose unlock failed is broken; closing it ends its session, which releases the lock too.
                await connection.DisposeAsync().ConfigureAwait(false);
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
