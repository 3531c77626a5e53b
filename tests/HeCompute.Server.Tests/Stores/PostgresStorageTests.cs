using System.Buffers;
using System.Security.Cryptography;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using HeCompute.Server.Storage.AtRest;
using HeCompute.Server.Storage.Postgres;
using Npgsql;

namespace HeCompute.Server.Tests.Stores;

/// <summary>
/// What only a shared database has to get right: concurrent starts, several nodes writing one audit chain and one
/// dataset, the connection cap, cluster-wide blob locking, streaming of blobs far larger than a chunk.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresStorageTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private PostgresTestDatabase? _database;

    private PostgresTestDatabase Database => _database!;

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        _directory.Dispose();
    }

    private Task<StorageHost> NodeAsync(Dictionary<string, string?>? settings = null, bool initialize = true) =>
        StorageHost.StartAsync(Path.Combine(_directory.Path, Guid.NewGuid().ToString("N")), settings ?? Database.ServerSettings(), initialize);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Nodes_starting_at_once_apply_each_migration_exactly_once()
    {
        var nodes = new List<StorageHost>();
        for (var i = 0; i < 4; i++)
        {
            nodes.Add(await NodeAsync(initialize: false));
        }

        try
        {
            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Metadata.InitializeAsync(CancellationToken.None))));
            var latest = PostgresSchema.LatestVersion;
            Assert.True(latest >= 2);
            Assert.Equal(latest, await ScalarAsync<long>("SELECT COUNT(*) FROM schema_version;"));
            Assert.Equal(latest, await ScalarAsync<int>("SELECT MAX(version) FROM schema_version;"));
            await nodes[0].Metadata.InitializeAsync(CancellationToken.None);
            Assert.Equal(latest, await ScalarAsync<long>("SELECT COUNT(*) FROM schema_version;"));
            foreach (var node in nodes)
            {
                await node.Metadata.CheckHealthAsync(CancellationToken.None);
            }

            // A database a newer server migrated is refused, not half-used, and the health check says so.
            await ScalarAsync<int>("INSERT INTO schema_version (version) VALUES (99) RETURNING version;");
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => nodes[1].Metadata.InitializeAsync(CancellationToken.None));
            Assert.Contains("newer", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<InvalidOperationException>(() => nodes[1].Metadata.CheckHealthAsync(CancellationToken.None));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_nodes_appending_to_one_audit_chain_and_one_dataset_lose_nothing_and_the_chain_verifies()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        var tenant = Ids.New("tn");
        var other = Ids.New("tn");
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await a.Metadata.Tenants.CreateAsync(new TenantRecord(tenant, "one", at), CancellationToken.None);
        await b.Metadata.Tenants.CreateAsync(new TenantRecord(other, "two", at), CancellationToken.None);
        var dataset = new DatasetRecord("ds_shared", tenant, "cohort", ["x"], [0], [1], [], false, 1_000_000, 40, false, ["1", "x"], [1, 1], 0, "{}", null, 0, 0, at);
        await a.Metadata.Datasets.CreateAsync(dataset, CancellationToken.None);
        var limited = dataset with { Id = "ds_limited", MaxRecords = 50 };
        await a.Metadata.Datasets.CreateAsync(limited, CancellationToken.None);
        var ciphertext = Convert.ToHexStringLower(SHA256.HashData([7]));

        const int PerWriter = 40;
        async Task<int> WriteAsync(StorageHost node, string name)
        {
            var tooMany = 0;
            for (var i = 0; i < PerWriter; i++)
            {
                await node.Metadata.Audit.AppendAsync(
                    new AuditDraft(at.AddSeconds(i), i % 4 == 0 ? other : tenant, null, name, "POST", "/v1/x", [], [], [], null, 1, 200, "success"), CancellationToken.None);
                Assert.Equal(AppendOutcome.Appended, await node.Metadata.Datasets.AppendBatchAsync(
                    new DatasetBatchRecord(Ids.New("bt"), dataset.Id, tenant, 3, ciphertext, 1, at.AddSeconds(i)), dataset.MaxRecords, CancellationToken.None));
                if (await node.Metadata.Datasets.AppendBatchAsync(
                    new DatasetBatchRecord(Ids.New("bt"), limited.Id, tenant, 1, ciphertext, 1, at.AddSeconds(i)), limited.MaxRecords, CancellationToken.None)
                    == AppendOutcome.TooManyRecords)
                {
                    tooMany++;
                }
            }

            return tooMany;
        }

        // Three writers per node, all at once.
        var writers = new List<Task<int>>();
        foreach (var (node, tag) in new[] { (a, "a"), (b, "b") })
        {
            for (var w = 0; w < 3; w++)
            {
                var name = $"{tag}{w}";
                writers.Add(Task.Run(() => WriteAsync(node, name)));
            }
        }

        var refusals = (await Task.WhenAll(writers)).Sum();
        var writes = writers.Count * PerWriter;

        var entries = await a.Metadata.Audit.ReadAsync(null, true, 0, null, null, CancellationToken.None).ToListAsync();
        Assert.Equal(writes, entries.Count);
        Assert.Equal(Enumerable.Range(1, writes).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(writes * 3 / 4, entries.Count(e => e.TenantId == tenant));
        foreach (var writer in new[] { "a0", "a1", "a2", "b0", "b1", "b2" })
        {
            Assert.Equal(PerWriter, entries.Count(e => e.Action == writer));
        }

        var verified = AuditChain.Verify(entries);
        Assert.True(verified.Valid, verified.Reason);
        Assert.Equal(2, verified.Chains);
        var head = await b.Metadata.Audit.ReadHeadAsync(tenant, false, 0, CancellationToken.None);
        Assert.Equal(verified.Heads[tenant], head.Heads[tenant]);

        var batches = await b.Metadata.Datasets.ListBatchesAsync(dataset.Id, CancellationToken.None);
        Assert.Equal(writes, batches.Count);
        Assert.Equal(writes, batches.Select(x => x.Id).Distinct().Count());
        var read = (await b.Metadata.Datasets.GetAccessibleAsync(tenant, dataset.Id, CancellationToken.None))!.Value.Dataset;
        Assert.Equal((writes, 3L * writes), (read.Batches, read.Records));
        // The record bound held under the race: exactly 50 one-record batches got in, every other append was refused.
        Assert.Equal(50, (await a.Metadata.Datasets.ListBatchesAsync(limited.Id, CancellationToken.None)).Count);
        Assert.Equal(writes - 50, refusals);
    }

    [Fact]
    public async Task A_node_never_holds_more_connections_than_its_pool_cap()
    {
        var settings = Database.ServerSettings(maxPoolSize: 3);
        // The setting wins over a Max Pool Size in the connection string.
        settings["HeCompute:Storage:Postgres:ConnectionString"] = Database.ConnectionString + ";Timeout=2;Application Name=capped;Maximum Pool Size=50";
        await using var node = await NodeAsync(settings);
        var database = node.Get<PostgresDatabase>();
        Assert.Equal(3, database.MaxPoolSize);
        var tenant = Ids.New("tn");
        await node.Metadata.Tenants.CreateAsync(new TenantRecord(tenant, "t", DateTimeOffset.UnixEpoch), CancellationToken.None);

        // Twenty concurrent writers through a pool of three: all succeed, and the server never sees a fourth session.
        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, await ScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'capped';"));
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            for (var j = 0; j < 10; j++)
            {
                await node.Metadata.Audit.AppendAsync(
                    new AuditDraft(DateTimeOffset.UnixEpoch, tenant, null, "burst", "GET", "/", [], [], [], null, 1, 200, "success"), CancellationToken.None);
            }
        })));
        await sampling.CancelAsync();
        await sampler;
        Assert.InRange(peak, 1, 3);
        Assert.Equal(200L, (await node.Metadata.Audit.ReadHeadAsync(tenant, false, 0, CancellationToken.None)).Entries);

        // With all three connections held, a fourth request waits for the pool's timeout and fails as storage unavailable.
        var held = new List<NpgsqlConnection>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await database.OpenAsync(CancellationToken.None));
        }

        var exhausted = await Assert.ThrowsAnyAsync<NpgsqlException>(() => node.Metadata.Tenants.GetAsync(tenant, CancellationToken.None));
        var fault = StorageFaults.Classify(exhausted);
        Assert.NotNull(fault);
        Assert.Equal(DomainErrorKind.StorageUnavailable, fault.Kind);
        await held[0].DisposeAsync();
        Assert.NotNull(await node.Metadata.Tenants.GetAsync(tenant, CancellationToken.None));
        foreach (var connection in held.Skip(1))
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Nodes_claiming_at_once_with_or_without_leases_never_take_the_same_job()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        var tenant = Ids.New("tn");
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await a.Metadata.Tenants.CreateAsync(new TenantRecord(tenant, "t", at), CancellationToken.None);
        const int Jobs = 60;
        for (var i = 0; i < Jobs; i++)
        {
            await a.Metadata.Jobs.CreateAsync(
                new JobRecord(Ids.New("jb"), tenant, "steps", JobState.Queued, 0, null, 0, null, null, null, null, false, [], at.AddSeconds(i), null, null, null),
                [], CancellationToken.None);
        }

        // Half the claimers take jobs the single-node way, half by lease: neither kind ever takes a job twice.
        var claimers = new[] { a, b, a, b, a, b }.Select((node, i) => Task.Run(async () =>
        {
            var mine = new List<string>();
            var leases = node.Get<IJobLeaseStore>();
            while ((i % 2 == 0
                ? await node.Metadata.Jobs.ClaimNextAsync(at, CancellationToken.None)
                : (await leases.ClaimAsync("claimer" + i, at, TimeSpan.FromMinutes(5), CancellationToken.None))?.Job) is { } job)
            {
                Assert.Equal(1, job.Attempts);
                mine.Add(job.Id);
            }

            return mine;
        })).ToList();
        var claimed = (await Task.WhenAll(claimers)).SelectMany(c => c).ToList();
        Assert.Equal(Jobs, claimed.Count);
        Assert.Equal(Jobs, claimed.Distinct().Count());
    }

    [Theory]
    [InlineData("53100", DomainErrorKind.StorageFull)]
    [InlineData("25006", DomainErrorKind.StorageUnavailable)]
    [InlineData("3D000", DomainErrorKind.StorageUnavailable)]
    [InlineData("28P01", DomainErrorKind.StorageUnavailable)]
    [InlineData("53300", DomainErrorKind.StorageUnavailable)]
    [InlineData("57P01", DomainErrorKind.StorageUnavailable)]
    [InlineData("23505", null)]
    [InlineData("42P01", null)]
    public void Database_errors_about_the_database_itself_are_storage_faults_and_others_are_not(string sqlState, DomainErrorKind? kind) =>
        Assert.Equal(kind, StorageFaults.Classify(new PostgresException("test", "ERROR", "ERROR", sqlState))?.Kind);

    [Fact]
    public async Task The_blob_reference_lock_excludes_the_other_node_until_released()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        var lockA = a.Get<IBlobReferenceLock>();
        Assert.IsType<PostgresBlobReferenceLock>(lockA);
        var held = await lockA.AcquireAsync(CancellationToken.None);
        var waiting = b.Get<IBlobReferenceLock>().AcquireAsync(CancellationToken.None);
        // Node b's session is queued on the advisory lock in the database (not merely slow).
        const string Waiters = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted;";
        for (var i = 0; i < 200 && await ScalarAsync<long>(Waiters) == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(1L, await ScalarAsync<long>(Waiters));
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await (await waiting).DisposeAsync();
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory';"));
    }

    [Fact]
    public async Task A_blob_much_larger_than_a_chunk_streams_in_and_out_with_bounded_allocation()
    {
        await using var node = await NodeAsync();
        const long Size = 96L << 20;
        const int Chunk = 1 << 20;
        var expected = Convert.ToHexStringLower(SHA256.HashData(new GeneratedStream(Size)));

        // The PostgreSQL store itself: the plaintext goes into chunk rows as it is.
        var inner = node.Get<PostgresBlobStore>();
        var (sha, allocated) = await MoveAsync(inner, Size, Chunk);
        Assert.Equal(expected, sha);
        Assert.Equal(Size / Chunk, await ScalarAsync<long>($"SELECT COUNT(*) FROM blob_chunks WHERE sha256 = '{sha}';"));
        Assert.Equal(Chunk, await ScalarAsync<int>($"SELECT MAX(length(data)) FROM blob_chunks WHERE sha256 = '{sha}';"));
        // 96 MiB in and out (192 MiB moved) with a few MiB allocated: nothing ever held the blob, or a sizeable part of it.
        Assert.True(allocated < 8L << 20, $"{allocated} bytes allocated while moving {2 * Size} bytes through the PostgreSQL store");
        await using (var stream = inner.OpenRead(sha))
        {
            Assert.Equal(Size, stream.Length);
        }

        inner.Delete(sha);

        // What the server uses: encryption at rest over that store, streaming the same way (chunk by chunk, both ways).
        var encrypted = Assert.IsType<EncryptedBlobStore>(node.Blobs);
        Assert.IsType<PostgresBlobStore>(encrypted.Inner);
        (sha, allocated) = await MoveAsync(encrypted, Size, Chunk);
        Assert.Equal(expected, sha);
        // The envelope (header and a tag per chunk) is a little larger than the plaintext, so it takes one more row.
        Assert.Equal(Size / Chunk + 1, await ScalarAsync<long>($"SELECT COUNT(*) FROM blob_chunks WHERE sha256 = '{sha}';"));
        Assert.True(allocated < 8L << 20, $"{allocated} bytes allocated while moving {2 * Size} bytes through encryption at rest");
    }

    // Stages, commits and reads back a generated blob (after a small warm-up: JIT, pools, the connection); returns the
    // SHA-256 of what came back and the bytes allocated for the large one.
    private static async Task<(string Sha256, long Allocated)> MoveAsync(IBlobStore blobs, long size, int chunk)
    {
        using (var small = await blobs.StageAsync(new GeneratedStream(3 * chunk + 5), long.MaxValue, CancellationToken.None))
        {
            await blobs.CommitAsync(small, CancellationToken.None);
            await using var back = blobs.OpenRead(small.Sha256);
            await back.CopyToAsync(Stream.Null);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        string sha;
        using (var staged = await blobs.StageAsync(new GeneratedStream(size), long.MaxValue, CancellationToken.None))
        {
            sha = staged.Sha256;
            Assert.Equal(size, staged.Length);
            await blobs.CommitAsync(staged, CancellationToken.None);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long read = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        await using (var stream = blobs.OpenRead(sha))
        {
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, 81920))) > 0)
            {
                hash.AppendData(buffer, 0, n);
                read += n;
            }
        }

        ArrayPool<byte>.Shared.Return(buffer);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(size, read);
        Assert.Equal(sha, Convert.ToHexStringLower(hash.GetHashAndReset()));
        return (sha, allocated);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_storage_fault_and_fails_the_health_checks()
    {
        var settings = Database.ServerSettings();
        // A port nothing listens on (the database server's own port plus one is free: the fixture picked a free port, then started there).
        var closed = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Port = FreePort(), Timeout = 2 };
        settings["HeCompute:Storage:Postgres:ConnectionString"] = closed.ConnectionString;
        await using var node = await NodeAsync(settings, initialize: false);
        var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => node.Metadata.CheckHealthAsync(CancellationToken.None));
        Assert.Equal(DomainErrorKind.StorageUnavailable, StorageFaults.Classify(failure)?.Kind);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => node.Blobs.CheckHealthAsync(CancellationToken.None));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A deterministic byte stream of a given length that allocates nothing per read.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
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
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < n; i++)
            {
                var p = _position + i;
                buffer[i] = (byte)((p * 2654435761) >> 13);
            }

            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
