using HeCompute.Server.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// The shared PostgreSQL database: one Npgsql data source (its pool capped at the configured Max Pool Size) for every
/// store of this node.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _source;

    /// <summary>Builds the data source from <c>HeCompute:Storage:Postgres</c>.</summary>
    public PostgresDatabase(IOptions<HeComputeServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var postgres = options.Value.Storage.Postgres;
        var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
        {
            MaxPoolSize = postgres.MaxPoolSize,
        };
        if (builder.MinPoolSize > builder.MaxPoolSize)
        {
            builder.MinPoolSize = builder.MaxPoolSize;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "hecompute";
        }

        MaxPoolSize = builder.MaxPoolSize;
        BlobChunkBytes = postgres.BlobChunkBytes;
        Description = $"postgres {builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>The cap on this node's open connections.</summary>
    public int MaxPoolSize { get; }

    /// <summary>Bytes per stored blob chunk.</summary>
    public int BlobChunkBytes { get; }

    /// <summary>Host, port and database (no credentials), for logs.</summary>
    public string Description { get; }

    /// <summary>Opens a pooled connection.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Opens a pooled connection synchronously (for the blob store's synchronous members).</summary>
    public NpgsqlConnection Open() => _source.OpenConnection();

    /// <summary>A timestamp as PostgreSQL keeps it: UTC, whole microseconds (so what is stored reads back equal).</summary>
    public static DateTimeOffset Round(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();
}
