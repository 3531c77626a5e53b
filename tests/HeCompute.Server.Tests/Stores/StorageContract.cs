using System.Data.Common;
using System.Security.Cryptography;
using HeCompute.Contracts;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Tests.Stores;

/// <summary>
/// What every storage backend must do, behind the interfaces the server uses (tenants, API keys, key sets, models,
/// datasets, jobs, audit, blobs, erasure). Each backend runs the same tests on a fresh store per test.
/// </summary>
public abstract class StorageContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private StorageHost? _host;

    protected StorageHost Host => _host ?? throw new InvalidOperationException("Not started.");

    protected IMetadataStore Metadata => Host.Metadata;

    protected IBlobStore Blobs => Host.Blobs;

    protected string DataDirectory => _directory.Path;

    /// <summary>The backend's settings for a fresh, empty store.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual ValueTask DeleteStoreAsync() => ValueTask.CompletedTask;

    public async Task InitializeAsync() => _host = await StorageHost.StartAsync(_directory.Path, await CreateStoreAsync());

    public async Task DisposeAsync()
    {
        if (_host is { } host)
        {
            await host.DisposeAsync();
        }

        await DeleteStoreAsync();
        _directory.Dispose();
    }

    private static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    private async Task<string> TenantAsync(int minute = 0)
    {
        var id = Ids.New("tn");
        await Metadata.Tenants.CreateAsync(new TenantRecord(id, "hospital " + id, At(minute)), CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task Studies_keep_participants_refuse_a_second_share_of_a_round_and_record_releases()
    {
        IStudyStore studies = Metadata is Storage.Postgres.PostgresMetadataStore
            ? new Storage.Postgres.PostgresStudyStore(Host.Get<Storage.Postgres.PostgresDatabase>())
            : new Storage.Sqlite.SqliteStudyStore(Host.Get<Storage.Sqlite.SqliteDatabase>());
        var (a, b, stranger) = (await TenantAsync(), await TenantAsync(), await TenantAsync());
        var study = new StudyRecord("st_" + a, a, "joint", "ds_x", "c2VlZA==", 2, [new(a, 0, At(1)), new(b, 1, null)], null, At(1));
        await studies.CreateAsync(study, CancellationToken.None);
        var seen = await studies.GetAsync(b, study.Id, CancellationToken.None);
        Assert.Equal(study, seen! with { Participants = study.Participants });
        Assert.Equal(study.Participants, seen.Participants);
        Assert.Null(await studies.GetAsync(stranger, study.Id, CancellationToken.None));
        Assert.True(await studies.JoinAsync(b, study.Id, At(2), CancellationToken.None));
        Assert.False(await studies.JoinAsync(stranger, study.Id, At(2), CancellationToken.None));
        Assert.Equal([At(1), At(2)], (await studies.GetAsync(a, study.Id, CancellationToken.None))!.Participants.Select(p => p.JoinedAt));

        var blob = await BlobAsync("share", [1, 2, 3]);
        StudyShareRecord Share(string id, int party, uint element) => new(id, study.Id, "rtg", element, party, party == 0 ? a : b, blob.Sha256, blob.Bytes, At(3));
        Assert.True(await studies.AddShareAsync(Share("sh_1", 0, 3), CancellationToken.None));
        Assert.True(await studies.AddShareAsync(Share("sh_2", 0, 5), CancellationToken.None));
        Assert.True(await studies.AddShareAsync(Share("sh_3", 1, 3), CancellationToken.None));
        Assert.False(await studies.AddShareAsync(Share("sh_4", 0, 3), CancellationToken.None));
        Assert.Equal(["sh_1", "sh_3", "sh_2"], (await studies.ListSharesAsync(study.Id, "rtg", CancellationToken.None)).Select(s => s.Id));
        Assert.True(await Metadata.IsBlobReferencedAsync(blob.Sha256, CancellationToken.None));

        await studies.PutBlobAsync(study.Id, a, blob with { Name = "public_key" }, CancellationToken.None);
        Assert.Equal(["public_key"], (await studies.ListBlobsAsync(study.Id, CancellationToken.None)).Select(r => r.Name));
        Assert.True(await studies.SetKeySetAsync(study.Id, "ks_1", CancellationToken.None));
        Assert.False(await studies.SetKeySetAsync(study.Id, "ks_2", CancellationToken.None));

        var release = new StudyReleaseRecord("rel_" + a, study.Id, b, stranger, "job_1", "sums", blob with { Name = "ciphertext" }, blob with { Name = "querier_key" }, null, At(4), null);
        await studies.CreateReleaseAsync(release, CancellationToken.None);
        Assert.Equal(release, await studies.GetReleaseAsync(study.Id, release.Id, CancellationToken.None));
        Assert.Null(await studies.GetReleaseForQuerierAsync(b, release.Id, CancellationToken.None));
        Assert.True(await studies.CompleteReleaseAsync(study.Id, release.Id, blob with { Name = "released" }, At(5), CancellationToken.None));
        Assert.False(await studies.CompleteReleaseAsync(study.Id, release.Id, blob with { Name = "released" }, At(6), CancellationToken.None));
        var released = await studies.GetReleaseForQuerierAsync(stranger, release.Id, CancellationToken.None);
        Assert.Equal((blob.Sha256, At(5)), (released!.Released!.Sha256, released.ReleasedAt));
        Assert.Single(await studies.ListReleasesAsync(study.Id, CancellationToken.None));
    }

    protected async Task<BlobReference> BlobAsync(string name, byte[] content)
    {
        using var staged = await Blobs.StageAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
        await Blobs.CommitAsync(staged, CancellationToken.None);
        return new BlobReference(name, staged.Sha256, staged.Length);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task Initializing_again_changes_nothing_and_the_store_is_healthy()
    {
        var tenant = await TenantAsync();
        await Metadata.InitializeAsync(CancellationToken.None);
        await Metadata.InitializeAsync(CancellationToken.None);
        await Metadata.CheckHealthAsync(CancellationToken.None);
        await Blobs.CheckHealthAsync(CancellationToken.None);
        Assert.NotNull(await Metadata.Tenants.GetAsync(tenant, CancellationToken.None));
    }

    [Fact]
    public async Task Tenants_are_created_read_and_listed_oldest_first_and_an_id_is_unique()
    {
        var second = await TenantAsync(5);
        var first = await TenantAsync(1);
        var read = await Metadata.Tenants.GetAsync(first, CancellationToken.None);
        Assert.Equal(new TenantRecord(first, "hospital " + first, At(1)), read);
        Assert.Null(await Metadata.Tenants.GetAsync("tn_missing", CancellationToken.None));
        var list = await Metadata.Tenants.ListAsync(CancellationToken.None);
        Assert.Equal([first, second], list.Select(t => t.Id));
        await Assert.ThrowsAnyAsync<DbException>(() => Metadata.Tenants.CreateAsync(new TenantRecord(first, "again", At(9)), CancellationToken.None));
    }

    [Fact]
    public async Task Api_keys_upsert_rotate_with_an_overlap_and_revoke()
    {
        var tenant = await TenantAsync();
        var keys = Metadata.ApiKeys;
        Assert.False(await keys.AnyActiveAdminAsync(At(10), CancellationToken.None));
        var hash = SHA256.HashData("one"u8);
        var key = new ApiKeyRecord("ak_1" + tenant, tenant, "ops", [Roles.Hospital, Roles.Admin], hash, At(1), null, At(60));
        await keys.UpsertAsync(key, CancellationToken.None);
        await keys.UpsertAsync(new ApiKeyRecord("ak_2" + tenant, tenant, "auditor", [Roles.Auditor], SHA256.HashData("two"u8), At(2), null), CancellationToken.None);
        var read = (await keys.GetAsync(key.Id, CancellationToken.None))!;
        Assert.Equal(key.Roles, read.Roles);
        Assert.Equal(hash, read.SecretHash);
        Assert.Equal(At(60), read.ExpiresAt);
        Assert.Null(read.PreviousSecretHash);
        Assert.True(await keys.AnyActiveAdminAsync(At(10), CancellationToken.None));
        // The only admin key expires at 60: from then on no admin can log in.
        Assert.False(await keys.AnyActiveAdminAsync(At(60), CancellationToken.None));
        Assert.Equal(["ak_1" + tenant, "ak_2" + tenant], (await keys.ListAsync(tenant, CancellationToken.None)).Select(k => k.Id));

        var rotated = SHA256.HashData("three"u8);
        Assert.True(await keys.RotateAsync(key.Id, rotated, At(30), CancellationToken.None));
        read = (await keys.GetAsync(key.Id, CancellationToken.None))!;
        Assert.Equal(rotated, read.SecretHash);
        Assert.Equal(hash, read.PreviousSecretHash);
        Assert.Equal(At(30), read.PreviousSecretExpiresAt);
        Assert.True(await keys.RevokePreviousAsync(key.Id, CancellationToken.None));
        read = (await keys.GetAsync(key.Id, CancellationToken.None))!;
        Assert.Null(read.PreviousSecretHash);
        Assert.Null(read.PreviousSecretExpiresAt);
        Assert.True(await keys.RotateAsync(key.Id, hash, null, CancellationToken.None));
        Assert.Null((await keys.GetAsync(key.Id, CancellationToken.None))!.PreviousSecretHash);

        Assert.True(await keys.RevokeAsync(key.Id, At(40), CancellationToken.None));
        Assert.True(await keys.RevokeAsync(key.Id, At(50), CancellationToken.None));
        Assert.Equal(At(40), (await keys.GetAsync(key.Id, CancellationToken.None))!.RevokedAt);
        Assert.False(await keys.AnyActiveAdminAsync(At(10), CancellationToken.None));
        Assert.False(await keys.RotateAsync(key.Id, rotated, null, CancellationToken.None));
        Assert.False(await keys.RevokeAsync("ak_missing", At(40), CancellationToken.None));
        Assert.False(await keys.RevokePreviousAsync("ak_missing", CancellationToken.None));

        // An upsert of the same id replaces the secret and un-revokes.
        await keys.UpsertAsync(key with { SecretHash = rotated, Name = "renamed" }, CancellationToken.None);
        read = (await keys.GetAsync(key.Id, CancellationToken.None))!;
        Assert.Null(read.RevokedAt);
        Assert.Equal("renamed", read.Name);
        Assert.Equal(rotated, read.SecretHash);
        Assert.True(await keys.AnyActiveAdminAsync(At(10), CancellationToken.None));
    }

    [Fact]
    public async Task Key_sets_keep_their_parts_in_order_are_tenant_scoped_and_release_their_blobs_on_delete()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        var parms = await BlobAsync(KeySetParts.Parms, [1, 2, 3]);
        var relin = await BlobAsync(KeySetParts.RelinKeys, [4, 5, 6, 7]);
        var keySet = new KeySetRecord(
            "ks_a" + tenant, tenant, null, "parms-1", 16384, [60, 40, 40, 60], [3, 5, 4294967295], false, true, [parms, relin], At(1), At(100));
        await Metadata.KeySets.CreateAsync(keySet, CancellationToken.None);
        await Metadata.KeySets.CreateAsync(keySet with { Id = "ks_b" + tenant, Name = "newer", CreatedAt = At(2), ExpiresAt = null, Parts = [parms] }, CancellationToken.None);

        var read = (await Metadata.KeySets.GetAsync(tenant, keySet.Id, CancellationToken.None))!;
        Assert.Equal(keySet.CoeffModulusBits, read.CoeffModulusBits);
        Assert.Equal(keySet.GaloisElements, read.GaloisElements);
        Assert.Equal(keySet.Parts, read.Parts);
        Assert.Equal((keySet.Name, keySet.ParmsId, keySet.PolyModulusDegree, keySet.HasPublicKey, keySet.HasRelinKeys, keySet.CreatedAt, keySet.ExpiresAt),
            (read.Name, read.ParmsId, read.PolyModulusDegree, read.HasPublicKey, read.HasRelinKeys, read.CreatedAt, read.ExpiresAt));
        Assert.Null(await Metadata.KeySets.GetAsync(other, keySet.Id, CancellationToken.None));
        Assert.Equal(["ks_b" + tenant, keySet.Id], (await Metadata.KeySets.ListAsync(tenant, CancellationToken.None)).Select(k => k.Id));
        Assert.Empty(await Metadata.KeySets.ListAsync(other, CancellationToken.None));

        Assert.Null(await Metadata.KeySets.DeleteAsync(other, keySet.Id, CancellationToken.None));
        Assert.Equal(new[] { parms.Sha256, relin.Sha256 }.Order(), (await Metadata.KeySets.DeleteAsync(tenant, keySet.Id, CancellationToken.None))!.Order());
        Assert.False(await Metadata.IsBlobReferencedAsync(relin.Sha256, CancellationToken.None));
        Assert.True(await Metadata.IsBlobReferencedAsync(parms.Sha256, CancellationToken.None));
        // The collector deletes what nothing references any more, and keeps the shared part.
        Assert.Equal(1, await Host.Collector.ReleaseAsync([parms.Sha256, relin.Sha256], CancellationToken.None));
        Assert.False(Blobs.Exists(relin.Sha256));
        Assert.True(Blobs.Exists(parms.Sha256));
    }

    [Fact]
    public async Task Models_are_visible_to_their_owner_and_when_shared_to_everyone()
    {
        var owner = await TenantAsync();
        var other = await TenantAsync();
        var source = await BlobAsync(ModelRecord.SourceBlob, [9, 9]);
        var document = await BlobAsync(ModelRecord.DocumentBlob, [8, 8, 8]);
        var model = new ModelRecord("md_p" + owner, owner, "private", "logistic", "json", false, 30, ["malignant"], source.Sha256, "{\"plan\":1}",
            true, 3.25, [source, document], At(1));
        await Metadata.Models.CreateAsync(model, CancellationToken.None);
        await Metadata.Models.CreateAsync(model with { Id = "md_s" + owner, Name = "shared", Shared = true, CreatedAt = At(2), NoiseFlooding = false }, CancellationToken.None);

        var read = (await Metadata.Models.GetVisibleAsync(owner, model.Id, CancellationToken.None))!;
        Assert.Equal(model.Outputs, read.Outputs);
        Assert.Equal(model.Blobs, read.Blobs);
        Assert.Equal((model.Kind, model.Source, model.Features, model.Sha256, model.PlanJson, model.NoiseFlooding, model.FloodingStandardDeviation, model.CreatedAt),
            (read.Kind, read.Source, read.Features, read.Sha256, read.PlanJson, read.NoiseFlooding, read.FloodingStandardDeviation, read.CreatedAt));
        Assert.Null(await Metadata.Models.GetVisibleAsync(other, model.Id, CancellationToken.None));
        Assert.NotNull(await Metadata.Models.GetVisibleAsync(other, "md_s" + owner, CancellationToken.None));
        Assert.Equal(["md_s" + owner, model.Id], (await Metadata.Models.ListVisibleAsync(owner, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(["md_s" + owner], (await Metadata.Models.ListVisibleAsync(other, CancellationToken.None)).Select(m => m.Id));
        Assert.Null(await Metadata.Models.DeleteAsync(other, "md_s" + owner, CancellationToken.None));
        Assert.Equal(2, (await Metadata.Models.DeleteAsync(owner, model.Id, CancellationToken.None))!.Count);
        Assert.Null(await Metadata.Models.GetVisibleAsync(owner, model.Id, CancellationToken.None));
    }

    private static DatasetRecord Dataset(string id, string tenant, int minute) => new(
        id, tenant, "cohort", ["age", "bmi"], [0, 10], [120, 60], ["smoker"], true, 100, 40, false, ["1", "age", "bmi", "smoker"], [1, 120, 60, 1], 0,
        "{\"dataset_plan\":true}", null, 0, 0, At(minute));

    [Fact]
    public async Task Datasets_take_contributors_bound_key_sets_and_batches_up_to_their_record_limit()
    {
        var owner = await TenantAsync();
        var contributor = await TenantAsync();
        var stranger = await TenantAsync();
        var dataset = Dataset("ds_1" + owner, owner, 1);
        await Metadata.Datasets.CreateAsync(dataset, CancellationToken.None);
        await Metadata.Datasets.CreateAsync(Dataset("ds_2" + owner, owner, 2), CancellationToken.None);
        Assert.True(await Metadata.Datasets.AddContributorAsync(owner, dataset.Id, contributor, At(3), CancellationToken.None));
        Assert.True(await Metadata.Datasets.AddContributorAsync(owner, dataset.Id, contributor, At(4), CancellationToken.None));
        Assert.False(await Metadata.Datasets.AddContributorAsync(contributor, dataset.Id, stranger, At(4), CancellationToken.None));
        Assert.True(await Metadata.Datasets.BindKeySetAsync(owner, dataset.Id, "ks_bound", CancellationToken.None));
        Assert.False(await Metadata.Datasets.BindKeySetAsync(contributor, dataset.Id, "ks_other", CancellationToken.None));

        var (read, access) = (await Metadata.Datasets.GetAccessibleAsync(owner, dataset.Id, CancellationToken.None))!.Value;
        Assert.Equal(DatasetAccess.Owner, access);
        Assert.Equal("ks_bound", read.KeySetId);
        Assert.Equal(dataset.Columns, read.Columns);
        Assert.Equal(dataset.Scales, read.Scales);
        Assert.Equal(dataset.Lower, read.Lower);
        Assert.Equal((dataset.EncryptedFinish, dataset.MaxRecords, dataset.PrecisionBits, dataset.CountColumn, dataset.PlanJson, dataset.CreatedAt),
            (read.EncryptedFinish, read.MaxRecords, read.PrecisionBits, read.CountColumn, read.PlanJson, read.CreatedAt));
        Assert.Equal(DatasetAccess.Contributor, (await Metadata.Datasets.GetAccessibleAsync(contributor, dataset.Id, CancellationToken.None))!.Value.Access);
        Assert.Null(await Metadata.Datasets.GetAccessibleAsync(stranger, dataset.Id, CancellationToken.None));
        Assert.Equal(["ds_2" + owner, dataset.Id], (await Metadata.Datasets.ListAccessibleAsync(owner, CancellationToken.None)).Select(d => d.Dataset.Id));
        Assert.Equal([dataset.Id], (await Metadata.Datasets.ListAccessibleAsync(contributor, CancellationToken.None)).Select(d => d.Dataset.Id));

        var first = await BlobAsync(DatasetBatchRecord.BlobName, [1]);
        var second = await BlobAsync(DatasetBatchRecord.BlobName, [2]);
        Assert.Equal(AppendOutcome.Appended, await Metadata.Datasets.AppendBatchAsync(
            new DatasetBatchRecord("bt_1" + owner, dataset.Id, owner, 60, first.Sha256, first.Bytes, At(5)), 100, CancellationToken.None));
        Assert.Equal(AppendOutcome.TooManyRecords, await Metadata.Datasets.AppendBatchAsync(
            new DatasetBatchRecord("bt_2" + owner, dataset.Id, contributor, 41, second.Sha256, second.Bytes, At(6)), 100, CancellationToken.None));
        Assert.Equal(AppendOutcome.Appended, await Metadata.Datasets.AppendBatchAsync(
            new DatasetBatchRecord("bt_3" + owner, dataset.Id, contributor, 40, second.Sha256, second.Bytes, At(6)), 100, CancellationToken.None));
        Assert.Equal(AppendOutcome.NotFound, await Metadata.Datasets.AppendBatchAsync(
            new DatasetBatchRecord("bt_4" + owner, "ds_missing", owner, 1, second.Sha256, second.Bytes, At(7)), 100, CancellationToken.None));
        var batches = await Metadata.Datasets.ListBatchesAsync(dataset.Id, CancellationToken.None);
        Assert.Equal(
            [new DatasetBatchRecord("bt_1" + owner, dataset.Id, owner, 60, first.Sha256, first.Bytes, At(5)),
             new DatasetBatchRecord("bt_3" + owner, dataset.Id, contributor, 40, second.Sha256, second.Bytes, At(6))],
            batches);
        read = (await Metadata.Datasets.GetAccessibleAsync(owner, dataset.Id, CancellationToken.None))!.Value.Dataset;
        Assert.Equal((2, 100L), (read.Batches, read.Records));

        Assert.Null(await Metadata.Datasets.DeleteAsync(contributor, dataset.Id, CancellationToken.None));
        Assert.Equal(new[] { first.Sha256, second.Sha256 }.Order(), (await Metadata.Datasets.DeleteAsync(owner, dataset.Id, CancellationToken.None))!.Order());
        Assert.Empty(await Metadata.Datasets.ListBatchesAsync(dataset.Id, CancellationToken.None));
        Assert.Null(await Metadata.Datasets.GetAccessibleAsync(contributor, dataset.Id, CancellationToken.None));
        Assert.False(await Metadata.IsBlobReferencedAsync(first.Sha256, CancellationToken.None));
    }

    private static JobRecord Job(string id, string tenant, int minute, string? input = "{\"n\":1}") => new(
        id, tenant, "steps", JobState.Queued, 0, null, 0, null, input, null, null, false, [], At(minute), null, null, null);

    [Fact]
    public async Task Jobs_are_claimed_oldest_first_checkpointed_finished_cancelled_and_purged()
    {
        var tenant = await TenantAsync();
        var jobs = Metadata.Jobs;
        var input = await BlobAsync("input", [1, 1]);
        await jobs.CreateAsync(Job("jb_b" + tenant, tenant, 2), [input], CancellationToken.None);
        await jobs.CreateAsync(Job("jb_a" + tenant, tenant, 1, input: null), [], CancellationToken.None);
        await jobs.CreateAsync(Job("jb_c" + tenant, tenant, 3), [], CancellationToken.None);
        Assert.Equal([input], await jobs.ListInputsAsync("jb_b" + tenant, CancellationToken.None));
        Assert.Equal(["jb_c" + tenant, "jb_b" + tenant], (await jobs.ListAsync(tenant, 2, CancellationToken.None)).Select(j => j.Id));
        Assert.Null(await jobs.GetAsync("tn_other", "jb_a" + tenant, CancellationToken.None));

        var claimed = (await jobs.ClaimNextAsync(At(10), CancellationToken.None))!;
        Assert.Equal(("jb_a" + tenant, JobState.Running, 1, At(10), (string?)null), (claimed.Id, claimed.State, claimed.Attempts, claimed.StartedAt, claimed.Input));
        await jobs.UpdateProgressAsync(claimed.Id, 1.5, "half", CancellationToken.None);
        await jobs.UpdateProgressAsync(claimed.Id, 0.5, null, CancellationToken.None);
        var progressed = (await jobs.GetByIdAsync(claimed.Id, CancellationToken.None))!;
        Assert.Equal((0.5, "half"), (progressed.Progress, progressed.ProgressMessage));
        await jobs.SaveCheckpointAsync(claimed.Id, "{\"step\":1}", CancellationToken.None);
        var old = await BlobAsync("partial", [3]);
        Assert.Empty(await jobs.SaveCheckpointAsync(claimed.Id, tenant, "{\"step\":2}", [old], CancellationToken.None));
        var fresh = await BlobAsync("partial", [4]);
        Assert.Equal([old.Sha256], await jobs.SaveCheckpointAsync(claimed.Id, tenant, "{\"step\":3}", [fresh], CancellationToken.None));
        Assert.Equal([fresh], await jobs.ListCheckpointBlobsAsync(claimed.Id, CancellationToken.None));
        Assert.Equal("{\"step\":3}", (await jobs.GetByIdAsync(claimed.Id, CancellationToken.None))!.Checkpoint);

        // A restart finds it running and puts it back; the next claim resumes it as a second attempt.
        Assert.Equal([claimed.Id], (await jobs.ListRunningAsync(CancellationToken.None)).Select(j => j.Id));
        await jobs.RequeueAsync(claimed.Id, "server restart", CancellationToken.None);
        var again = (await jobs.ClaimNextAsync(At(11), CancellationToken.None))!;
        Assert.Equal((claimed.Id, 2, "server restart"), (again.Id, again.Attempts, again.ProgressMessage));

        var result = await BlobAsync("result", [5, 5, 5]);
        await jobs.AddResultAsync(claimed.Id, tenant, result, CancellationToken.None);
        await jobs.AddResultAsync(claimed.Id, tenant, result with { Name = "second" }, CancellationToken.None);
        Assert.Equal([fresh.Sha256], await jobs.DropCheckpointBlobsAsync(claimed.Id, CancellationToken.None));
        Assert.True(await jobs.FinishAsync(claimed.Id, JobState.Succeeded, null, "{\"ok\":true}", At(12), At(100), CancellationToken.None));
        Assert.False(await jobs.FinishAsync(claimed.Id, JobState.Failed, "late", null, At(13), At(100), CancellationToken.None));
        var done = (await jobs.GetAsync(tenant, claimed.Id, CancellationToken.None))!;
        Assert.Equal((JobState.Succeeded, 1.0, "{\"ok\":true}", At(12), At(100)), (done.State, done.Progress, done.Output, done.FinishedAt, done.ExpiresAt));
        Assert.Equal(["result", "second"], done.Results.Select(r => r.Name));
        // A checkpoint offered after the end is not kept: its blobs come straight back.
        Assert.Equal([old.Sha256], await jobs.SaveCheckpointAsync(claimed.Id, tenant, "{}", [old], CancellationToken.None));

        Assert.Equal(CancelOutcome.Cancelled, await jobs.RequestCancelAsync(tenant, "jb_c" + tenant, At(14), At(50), CancellationToken.None));
        var running = (await jobs.ClaimNextAsync(At(15), CancellationToken.None))!;
        Assert.Equal("jb_b" + tenant, running.Id);
        Assert.Null(await jobs.ClaimNextAsync(At(15), CancellationToken.None));
        Assert.Equal(CancelOutcome.CancelRequested, await jobs.RequestCancelAsync(tenant, running.Id, At(16), At(50), CancellationToken.None));
        Assert.True((await jobs.GetByIdAsync(running.Id, CancellationToken.None))!.CancelRequested);
        Assert.Equal(CancelOutcome.AlreadyFinished, await jobs.RequestCancelAsync(tenant, claimed.Id, At(16), At(50), CancellationToken.None));
        Assert.Equal(CancelOutcome.NotFound, await jobs.RequestCancelAsync("tn_other", running.Id, At(16), At(50), CancellationToken.None));
        var cancelled = (await jobs.GetByIdAsync("jb_c" + tenant, CancellationToken.None))!;
        Assert.Equal((JobState.Cancelled, At(50)), (cancelled.State, cancelled.ExpiresAt));

        // Purging at minute 60 removes the cancelled job (expired at 50), keeps the succeeded one (expires at 100) and the running one.
        Assert.Empty(await jobs.PurgeExpiredAsync(At(49), CancellationToken.None));
        Assert.Empty(await jobs.PurgeExpiredAsync(At(60), CancellationToken.None));
        Assert.Null(await jobs.GetByIdAsync("jb_c" + tenant, CancellationToken.None));
        Assert.Equal(new[] { result.Sha256, result.Sha256 }, await jobs.PurgeExpiredAsync(At(100), CancellationToken.None));
        Assert.Null(await jobs.GetByIdAsync(claimed.Id, CancellationToken.None));
        Assert.NotNull(await jobs.GetByIdAsync(running.Id, CancellationToken.None));
        Assert.True(await jobs.FinishAsync(running.Id, JobState.Failed, "stopped", null, At(101), At(102), CancellationToken.None));
        Assert.Equal([input.Sha256], await jobs.PurgeExpiredAsync(At(102), CancellationToken.None));
    }

    [Fact]
    public async Task A_lease_is_renewed_by_its_holder_taken_over_when_it_expires_and_a_stale_holder_is_fenced_off()
    {
        var tenant = await TenantAsync();
        var leases = Host.Get<IJobLeaseStore>();
        var lease = TimeSpan.FromMinutes(1);
        await Metadata.Jobs.CreateAsync(Job("jb_1" + tenant, tenant, 1), [], CancellationToken.None);
        await Metadata.Jobs.CreateAsync(Job("jb_2" + tenant, tenant, 2), [], CancellationToken.None);
        await Metadata.Jobs.CreateAsync(Job("jb_3" + tenant, tenant, 3), [], CancellationToken.None);

        var first = (await leases.ClaimAsync("node-a", At(10), lease, CancellationToken.None))!;
        Assert.Equal(("jb_1" + tenant, "node-a", 1L, At(11), JobState.Running, 1), (first.Job.Id, first.Owner, first.Token, first.ExpiresAt, first.Job.State, first.Job.Attempts));
        // A job claimed the single-node way has no lease and is never taken over.
        var unleased = (await Metadata.Jobs.ClaimNextAsync(At(10), CancellationToken.None))!;
        Assert.Equal("jb_2" + tenant, unleased.Id);
        var third = (await leases.ClaimAsync("node-b", At(10), lease, CancellationToken.None))!;
        Assert.Equal("jb_3" + tenant, third.Job.Id);
        Assert.Null(await leases.ClaimAsync("node-b", At(10.5), lease, CancellationToken.None));

        // The holders renew in time (node b for an hour); at minute 11.5 both leases still hold.
        Assert.True(await leases.RenewAsync(first.Job.Id, first.Token, At(10.75), lease, CancellationToken.None));
        Assert.True(await leases.RenewAsync(third.Job.Id, third.Token, At(10.75), TimeSpan.FromHours(1), CancellationToken.None));
        Assert.True(await leases.SaveCheckpointAsync(first.Job.Id, first.Token, "{\"step\":1}", CancellationToken.None));
        Assert.Null(await leases.ClaimAsync("node-b", At(11.5), lease, CancellationToken.None));

        // Node a stops renewing: after minute 11.75 node b takes the job over, as a second attempt with a new token.
        var takeover = (await leases.ClaimAsync("node-b", At(12), lease, CancellationToken.None))!;
        Assert.Equal((first.Job.Id, "node-b", 2L, 2, "{\"step\":1}"), (takeover.Job.Id, takeover.Owner, takeover.Token, takeover.Job.Attempts, takeover.Job.Checkpoint));
        // Node a comes back: every write with its old token is refused and changes nothing.
        Assert.False(await leases.RenewAsync(first.Job.Id, first.Token, At(12), lease, CancellationToken.None));
        Assert.False(await leases.SaveCheckpointAsync(first.Job.Id, first.Token, "{\"step\":99}", CancellationToken.None));
        Assert.False(await leases.ReleaseAsync(first.Job.Id, first.Token, "stale", CancellationToken.None));
        Assert.True(await leases.SaveCheckpointAsync(first.Job.Id, takeover.Token, "{\"step\":2}", CancellationToken.None));
        var current = (await Metadata.Jobs.GetByIdAsync(first.Job.Id, CancellationToken.None))!;
        Assert.Equal((JobState.Running, "{\"step\":2}"), (current.State, current.Checkpoint));

        // A graceful stop hands it back; the next claim gets it with the next token.
        Assert.True(await leases.ReleaseAsync(first.Job.Id, takeover.Token, "node-b stopping", CancellationToken.None));
        var released = (await Metadata.Jobs.GetByIdAsync(first.Job.Id, CancellationToken.None))!;
        Assert.Equal((JobState.Queued, "node-b stopping"), (released.State, released.ProgressMessage));
        Assert.False(await leases.RenewAsync(first.Job.Id, takeover.Token, At(12), lease, CancellationToken.None));
        var again = (await leases.ClaimAsync("node-c", At(13), lease, CancellationToken.None))!;
        Assert.Equal((first.Job.Id, 3L, 3), (again.Job.Id, again.Token, again.Job.Attempts));
        // A finished job is nobody's to renew.
        Assert.True(await Metadata.Jobs.FinishAsync(again.Job.Id, JobState.Succeeded, null, null, At(14), At(100), CancellationToken.None));
        Assert.False(await leases.RenewAsync(again.Job.Id, again.Token, At(14), lease, CancellationToken.None));
        Assert.False(await leases.SaveCheckpointAsync(again.Job.Id, again.Token, "{}", CancellationToken.None));
        // Node b's other job, its lease long expired by minute 1000, is the last one to take over.
        var orphan = (await leases.ClaimAsync("node-c", At(1000), lease, CancellationToken.None))!;
        Assert.Equal((third.Job.Id, 2L), (orphan.Job.Id, orphan.Token));
        Assert.Null(await leases.ClaimAsync("node-c", At(1000), lease, CancellationToken.None));
    }

    [Fact]
    public async Task A_stale_token_s_checkpoint_result_and_final_write_are_refused_and_a_restarted_node_lists_only_its_own_jobs()
    {
        var tenant = await TenantAsync();
        var leases = Host.Get<IJobLeaseStore>();
        var lease = TimeSpan.FromMinutes(1);
        await Metadata.Jobs.CreateAsync(Job("jb_f" + tenant, tenant, 1), [], CancellationToken.None);
        var slow = (await leases.ClaimAsync("node-a", At(10), lease, CancellationToken.None))!;
        Assert.Null(slow.PreviousOwner);
        Assert.Equal([slow.Job.Id], (await leases.ListHeldAsync("node-a", CancellationToken.None)).Where(j => j.TenantId == tenant).Select(j => j.Id));
        var old = await BlobAsync("partial", "old checkpoint"u8.ToArray());
        Assert.True((await leases.SaveCheckpointAsync(slow.Job.Id, slow.Token, tenant, "1", [old], CancellationToken.None)).Saved);

        // Node a is too slow to renew: node b takes the job over, and knows from whom.
        var current = (await leases.ClaimAsync("node-b", At(12), lease, CancellationToken.None))!;
        Assert.Equal("node-a", current.PreviousOwner);
        Assert.DoesNotContain(await leases.ListHeldAsync("node-a", CancellationToken.None), j => j.TenantId == tenant);
        Assert.Equal([slow.Job.Id], (await leases.ListHeldAsync("node-b", CancellationToken.None)).Where(j => j.TenantId == tenant).Select(j => j.Id));

        // Every write under node a's stale token is refused; the new blobs it brought are handed back to be released.
        var stale = await BlobAsync("partial", "stale checkpoint"u8.ToArray());
        var refused = await leases.SaveCheckpointAsync(slow.Job.Id, slow.Token, tenant, "9", [stale], CancellationToken.None);
        Assert.False(refused.Saved);
        Assert.Equal([stale.Sha256], refused.Released);
        Assert.False(await leases.AddResultAsync(slow.Job.Id, slow.Token, tenant, await BlobAsync("result", "stale result"u8.ToArray()), CancellationToken.None));
        Assert.False(await leases.FinishAsync(slow.Job.Id, slow.Token, JobState.Succeeded, null, "{}", At(13), At(100), CancellationToken.None));
        var job = (await Metadata.Jobs.GetByIdAsync(slow.Job.Id, CancellationToken.None))!;
        Assert.Equal((JobState.Running, "1", 0), (job.State, job.Checkpoint, job.Results.Count));
        Assert.Equal([old.Sha256], (await Metadata.Jobs.ListCheckpointBlobsAsync(slow.Job.Id, CancellationToken.None)).Select(b => b.Sha256));

        // The current holder's writes go through.
        var saved = await leases.SaveCheckpointAsync(slow.Job.Id, current.Token, tenant, "2", [stale], CancellationToken.None);
        Assert.True(saved.Saved);
        Assert.Equal([old.Sha256], saved.Released);
        var result = await BlobAsync("result", "result"u8.ToArray());
        Assert.True(await leases.AddResultAsync(slow.Job.Id, current.Token, tenant, result, CancellationToken.None));
        Assert.True(await leases.FinishAsync(slow.Job.Id, current.Token, JobState.Succeeded, null, "{}", At(13), At(100), CancellationToken.None));
        job = (await Metadata.Jobs.GetByIdAsync(slow.Job.Id, CancellationToken.None))!;
        Assert.Equal((JobState.Succeeded, "2", result.Sha256), (job.State, job.Checkpoint, job.Results.Single().Sha256));
        Assert.False(await leases.FinishAsync(slow.Job.Id, current.Token, JobState.Failed, "again", null, At(14), At(100), CancellationToken.None));
    }

    [Fact]
    public async Task Partitions_are_claimed_across_owners_taken_over_on_expiry_and_a_stale_holder_s_result_is_refused_so_none_counts_twice()
    {
        var tenant = await TenantAsync();
        var leases = Host.Get<IJobLeaseStore>();
        var partitions = Host.Get<IJobPartitionStore>();
        var lease = TimeSpan.FromMinutes(1);
        await Metadata.Jobs.CreateAsync(Job("jb_p" + tenant, tenant, 1), [], CancellationToken.None);
        var holder = (await leases.ClaimAsync("node-a", At(10), lease, CancellationToken.None))!;
        var jobId = holder.Job.Id;
        // Only the job's current holder creates partitions, once.
        Assert.Empty(await partitions.EnsureAsync(jobId, holder.Token + 1, ["0:2", "2:4", "4:5"], CancellationToken.None));
        var created = await partitions.EnsureAsync(jobId, holder.Token, ["0:2", "2:4", "4:5"], CancellationToken.None);
        Assert.Equal(["0:2", "2:4", "4:5"], created.Select(p => p.Spec));
        Assert.Equal(created.Select(p => p.Spec), (await partitions.EnsureAsync(jobId, holder.Token, ["other"], CancellationToken.None)).Select(p => p.Spec));

        // Another node helps with the partitions of a job node a holds; node a does not help itself that way.
        Assert.Null(await partitions.ClaimAsync("node-a", null, At(10), lease, CancellationToken.None));
        var first = (await partitions.ClaimAsync("node-b", null, At(10), lease, CancellationToken.None))!;
        Assert.Equal((jobId, 0, "0:2", 1L), (first.JobId, first.Index, first.Spec, first.Token));
        var second = (await partitions.ClaimAsync("node-a", jobId, At(10), lease, CancellationToken.None))!;
        Assert.Equal(1, second.Index);
        Assert.True(await partitions.RenewAsync(jobId, 1, second.Token, At(10.5), lease, CancellationToken.None));

        // Node b stalls on partition 0: after its lease expires node c takes it over with a new token.
        var takeover = (await partitions.ClaimAsync("node-c", null, At(12), lease, CancellationToken.None))!;
        Assert.Equal((0, 2L), (takeover.Index, takeover.Token));
        Assert.False(await partitions.RenewAsync(jobId, 0, first.Token, At(12), lease, CancellationToken.None));
        var late = await BlobAsync("sums", "node b's sums"u8.ToArray());
        var refused = await partitions.CompleteAsync(jobId, tenant, 0, first.Token, "records=7", [late], CancellationToken.None);
        Assert.False(refused.Completed);
        Assert.Equal([late.Sha256], refused.Released);
        var sums = await BlobAsync("sums", "node c's sums"u8.ToArray());
        Assert.True((await partitions.CompleteAsync(jobId, tenant, 0, takeover.Token, "records=7", [sums], CancellationToken.None)).Completed);
        Assert.False((await partitions.CompleteAsync(jobId, tenant, 0, takeover.Token, "records=7", [sums], CancellationToken.None)).Completed);
        Assert.Equal([("sums", sums.Sha256)], (await partitions.ListBlobsAsync(jobId, 0, CancellationToken.None)).Select(b => (b.Name, b.Sha256)));

        // A failed partition carries its reason; a handed-back one is claimed again; a restarted node hands back its own.
        Assert.True(await partitions.ReleaseAsync(jobId, 1, second.Token, CancellationToken.None));
        var again = (await partitions.ClaimAsync("node-a", jobId, At(13), lease, CancellationToken.None))!;
        Assert.Equal((1, second.Token + 1), (again.Index, again.Token));
        var third = (await partitions.ClaimAsync("node-b", null, At(13), lease, CancellationToken.None))!;
        Assert.Equal(2, third.Index);
        Assert.Equal(1, await partitions.ReleaseHeldAsync("node-b", CancellationToken.None));
        third = (await partitions.ClaimAsync("node-c", null, At(13), lease, CancellationToken.None))!;
        Assert.True(await partitions.FailAsync(jobId, 2, third.Token, "batch gone", CancellationToken.None));
        Assert.True((await partitions.CompleteAsync(jobId, tenant, 1, again.Token, "records=3", [await BlobAsync("output-0001", "p1"u8.ToArray())], CancellationToken.None)).Completed);
        var listed = await partitions.ListAsync(jobId, CancellationToken.None);
        Assert.Equal(
            [(JobPartition.Done, "records=7", "node-c", 2), (JobPartition.Done, "records=3", "node-a", 2), (JobPartition.Failed, "batch gone", (string?)null, 2)],
            listed.Select(p => (p.State, p.Output, p.CompletedBy, p.Attempts)));

        // The holder promotes the partitions' blobs to results under a current token only; then nothing is left to claim.
        Assert.False(await partitions.PromoteBlobsAsync(jobId, holder.Token + 1, CancellationToken.None));
        Assert.True(await partitions.PromoteBlobsAsync(jobId, holder.Token, CancellationToken.None));
        var job = (await Metadata.Jobs.GetByIdAsync(jobId, CancellationToken.None))!;
        Assert.Equal(["output-0001", "sums"], job.Results.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Null(await partitions.ClaimAsync("node-b", null, At(1000), lease, CancellationToken.None));
    }

    private static AuditDraft Draft(string? tenant, string action, int minute) => new(
        At(minute).AddTicks(1234567), tenant, tenant is null ? null : "ak_" + tenant, action, "GET", "/v1/" + action, ["ob_1"], ["aa"], [], tenant is null ? null : "parms",
        42, 200, "success");

    [Fact]
    public async Task The_audit_log_is_one_verifiable_chain_per_tenant_read_by_scope_range_and_limit()
    {
        var a = await TenantAsync();
        var b = await TenantAsync();
        var appended = new List<AuditEntry>();
        foreach (var (tenant, action) in new[] { (a, "one"), (b, "two"), ((string?)null, "admin"), (a, "three"), (b, "four"), (a, "five") })
        {
            appended.Add(await Metadata.Audit.AppendAsync(Draft(tenant, action, appended.Count), CancellationToken.None));
        }

        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), appended.Select(e => e.Seq));
        Assert.Equal(AuditChain.GenesisHash, appended[0].PrevHash);
        Assert.Equal(appended[0].Hash, appended[3].PrevHash);
        Assert.Equal(appended[1].Hash, appended[4].PrevHash);
        var all = await Metadata.Audit.ReadAsync(null, true, 0, null, null, CancellationToken.None).ToListAsync();
        Assert.Equal(appended, all, AuditEntryComparer.Instance);
        var verified = AuditChain.Verify(all);
        Assert.True(verified.Valid, verified.Reason);
        Assert.Equal(3, verified.Chains);

        var onlyA = await Metadata.Audit.ReadAsync(a, false, 0, null, null, CancellationToken.None).ToListAsync();
        Assert.Equal(["one", "three", "five"], onlyA.Select(e => e.Action));
        Assert.True(AuditChain.Verify(onlyA).Valid);
        Assert.Equal(["admin"], (await Metadata.Audit.ReadAsync(null, false, 0, null, null, CancellationToken.None).ToListAsync()).Select(e => e.Action));
        Assert.Equal(["two", "admin"], (await Metadata.Audit.ReadAsync(null, true, 1, 3, null, CancellationToken.None).ToListAsync()).Select(e => e.Action));
        Assert.Equal(["three", "five"], (await Metadata.Audit.ReadAsync(a, false, 1, null, 2, CancellationToken.None).ToListAsync()).Select(e => e.Action));
        Assert.Equal(["three"], (await Metadata.Audit.ReadAsync(a, false, 1, null, 1, CancellationToken.None).ToListAsync()).Select(e => e.Action));

        var head = await Metadata.Audit.ReadHeadAsync(null, true, 0, CancellationToken.None);
        Assert.Equal((6L, 6L), (head.Entries, head.LastSeq));
        Assert.Equal(new Dictionary<string, string> { [a] = appended[5].Hash, [b] = appended[4].Hash, [""] = appended[2].Hash }, head.Heads);
        var headA = await Metadata.Audit.ReadHeadAsync(a, false, 1, CancellationToken.None);
        Assert.Equal((2L, 6L), (headA.Entries, headA.LastSeq));
        Assert.Equal(new Dictionary<string, string> { [a] = appended[5].Hash }, headA.Heads);
        var empty = await Metadata.Audit.ReadHeadAsync(a, false, 6, CancellationToken.None);
        Assert.Equal((0L, 0L, 0), (empty.Entries, empty.LastSeq, empty.Heads.Count));
    }

    [Fact]
    public async Task Console_users_are_tenant_scoped_claim_each_totp_step_once_spend_recovery_codes_once_and_lock_out()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        var users = Host.Get<IUserStore>();
        var alice = new UserRecord("usr_a" + tenant, tenant, "alice", [Roles.Hospital, Roles.Auditor], "hash-a", At(1));
        Assert.True(await users.CreateAsync(alice, CancellationToken.None));
        Assert.False(await users.CreateAsync(alice with { Id = "usr_dup" + tenant }, CancellationToken.None));
        Assert.True(await users.CreateAsync(new UserRecord("usr_b" + tenant, tenant, "bob", [Roles.Hospital], "hash-b", At(2)), CancellationToken.None));
        Assert.True(await users.CreateAsync(new UserRecord("usr_o" + other, other, "alice", [Roles.Hospital], "hash-o", At(0)), CancellationToken.None));

        var read = await users.FindByNameAsync(tenant, "alice", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal((alice.Id, "hash-a", At(1), false, 0), (read.Id, read.PasswordHash, read.CreatedAt, read.TotpEnabled, read.FailedAttempts));
        Assert.Equal([Roles.Hospital, Roles.Auditor], read.Roles);
        Assert.Null(await users.GetAsync(other, alice.Id, CancellationToken.None));
        Assert.Null(await users.FindByNameAsync(tenant, "carol", CancellationToken.None));
        Assert.Equal(["alice", "bob"], (await users.ListAsync(tenant, CancellationToken.None)).Select(u => u.UserName));
        Assert.Equal(["usr_o" + other], (await users.ListAsync(other, CancellationToken.None)).Select(u => u.Id));

        var secret = RandomNumberGenerator.GetBytes(20);
        Assert.False(await users.SetTotpAsync(other, alice.Id, secret, false, CancellationToken.None));
        Assert.True(await users.SetTotpAsync(tenant, alice.Id, secret, false, CancellationToken.None));
        Assert.True(await users.ClaimTotpStepAsync(tenant, alice.Id, 100, CancellationToken.None));
        Assert.False(await users.ClaimTotpStepAsync(tenant, alice.Id, 100, CancellationToken.None));
        Assert.False(await users.ClaimTotpStepAsync(tenant, alice.Id, 99, CancellationToken.None));
        Assert.False(await users.ClaimTotpStepAsync(other, alice.Id, 101, CancellationToken.None));
        Assert.True(await users.SetTotpAsync(tenant, alice.Id, secret, true, CancellationToken.None));
        read = await users.GetAsync(tenant, alice.Id, CancellationToken.None);
        Assert.Equal((true, 100L), (read!.TotpEnabled, read.TotpLastStep));
        Assert.Equal(secret, read.TotpSecret);
        // A new secret starts a new sequence of steps.
        Assert.True(await users.SetTotpAsync(tenant, alice.Id, RandomNumberGenerator.GetBytes(20), false, CancellationToken.None));
        Assert.Null((await users.GetAsync(tenant, alice.Id, CancellationToken.None))!.TotpLastStep);

        byte[][] codes = [SHA256.HashData([1]), SHA256.HashData([2]), SHA256.HashData([3])];
        await users.ReplaceRecoveryCodesAsync(tenant, alice.Id, codes, CancellationToken.None);
        Assert.Equal(3, (await users.GetAsync(tenant, alice.Id, CancellationToken.None))!.RecoveryCodesLeft);
        Assert.False(await users.ConsumeRecoveryCodeAsync(other, alice.Id, codes[0], CancellationToken.None));
        Assert.True(await users.ConsumeRecoveryCodeAsync(tenant, alice.Id, codes[0], CancellationToken.None));
        Assert.False(await users.ConsumeRecoveryCodeAsync(tenant, alice.Id, codes[0], CancellationToken.None));
        Assert.False(await users.ConsumeRecoveryCodeAsync(tenant, alice.Id, SHA256.HashData([9]), CancellationToken.None));
        Assert.Equal(2, (await users.GetAsync(tenant, alice.Id, CancellationToken.None))!.RecoveryCodesLeft);
        await users.ReplaceRecoveryCodesAsync(tenant, alice.Id, [codes[0]], CancellationToken.None);
        Assert.False(await users.ConsumeRecoveryCodeAsync(tenant, alice.Id, codes[1], CancellationToken.None));
        Assert.Equal(1, (await users.GetAsync(tenant, alice.Id, CancellationToken.None))!.RecoveryCodesLeft);

        Assert.Null(await users.RecordFailureAsync(other, alice.Id, 3, At(60), CancellationToken.None));
        Assert.Equal((1, (DateTimeOffset?)null), Lock(await users.RecordFailureAsync(tenant, alice.Id, 3, At(60), CancellationToken.None)));
        Assert.Equal((2, (DateTimeOffset?)null), Lock(await users.RecordFailureAsync(tenant, alice.Id, 3, At(60), CancellationToken.None)));
        Assert.Equal((0, (DateTimeOffset?)At(60)), Lock(await users.RecordFailureAsync(tenant, alice.Id, 3, At(60), CancellationToken.None)));
        Assert.Equal((0, (DateTimeOffset?)null), Lock(await users.GetAsync(tenant, "usr_b" + tenant, CancellationToken.None)));
        await users.ResetFailuresAsync(tenant, alice.Id, CancellationToken.None);
        Assert.Equal((0, (DateTimeOffset?)null), Lock(await users.GetAsync(tenant, alice.Id, CancellationToken.None)));

        static (int, DateTimeOffset?) Lock(UserRecord? user) => (user!.FailedAttempts, user.LockedUntil);
    }

    [Fact]
    public async Task Erasing_a_tenant_removes_its_objects_and_the_batches_in_its_datasets_but_not_its_keys_or_audit()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        var part = await BlobAsync(KeySetParts.Parms, [1]);
        await Metadata.KeySets.CreateAsync(new KeySetRecord("ks_" + tenant, tenant, null, "p", 8192, [60], [], false, false, [part], At(1)), CancellationToken.None);
        await Metadata.Jobs.CreateAsync(Job("jb_" + tenant, tenant, 1), [await BlobAsync("input", [2])], CancellationToken.None);
        await Metadata.Datasets.CreateAsync(Dataset("ds_" + tenant, tenant, 1), CancellationToken.None);
        await Metadata.Datasets.CreateAsync(Dataset("ds_" + other, other, 1), CancellationToken.None);
        await Metadata.Datasets.AddContributorAsync(tenant, "ds_" + tenant, other, At(2), CancellationToken.None);
        await Metadata.Datasets.AddContributorAsync(other, "ds_" + other, tenant, At(2), CancellationToken.None);
        var byOther = await BlobAsync(DatasetBatchRecord.BlobName, [3]);
        var byTenant = await BlobAsync(DatasetBatchRecord.BlobName, [4]);
        var kept = await BlobAsync(DatasetBatchRecord.BlobName, [5]);
        await Metadata.Datasets.AppendBatchAsync(new DatasetBatchRecord("bt_1" + tenant, "ds_" + tenant, other, 1, byOther.Sha256, 1, At(3)), 100, CancellationToken.None);
        await Metadata.Datasets.AppendBatchAsync(new DatasetBatchRecord("bt_2" + tenant, "ds_" + other, tenant, 1, byTenant.Sha256, 1, At(3)), 100, CancellationToken.None);
        await Metadata.Datasets.AppendBatchAsync(new DatasetBatchRecord("bt_3" + tenant, "ds_" + other, other, 1, kept.Sha256, 1, At(3)), 100, CancellationToken.None);
        await Metadata.ApiKeys.UpsertAsync(new ApiKeyRecord("ak_" + tenant, tenant, "k", [Roles.Hospital], [1], At(1), null), CancellationToken.None);
        await Metadata.Audit.AppendAsync(Draft(tenant, "before", 1), CancellationToken.None);

        var erased = await Metadata.EraseTenantDataAsync(tenant, CancellationToken.None);
        Assert.Equal((1, 1, 0, 1, 2), (erased.KeySets, erased.Jobs, erased.Models, erased.Datasets, erased.Batches));
        Assert.Equal(4, erased.ReleasedBlobs.Count);
        Assert.DoesNotContain(kept.Sha256, erased.ReleasedBlobs);
        Assert.Contains(byOther.Sha256, erased.ReleasedBlobs);
        Assert.Equal(["bt_3" + tenant], (await Metadata.Datasets.ListBatchesAsync("ds_" + other, CancellationToken.None)).Select(b => b.Id));
        Assert.Empty(await Metadata.Datasets.ListAccessibleAsync(tenant, CancellationToken.None));
        Assert.NotNull(await Metadata.ApiKeys.GetAsync("ak_" + tenant, CancellationToken.None));
        Assert.Single(await Metadata.Audit.ReadAsync(tenant, false, 0, null, null, CancellationToken.None).ToListAsync());
        Assert.True(await Metadata.IsBlobReferencedAsync(kept.Sha256, CancellationToken.None));
    }

    [Fact]
    public async Task Blobs_are_content_addressed_staged_then_committed_and_deleted()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        using (var staged = await Blobs.StageAsync(new MemoryStream(content), content.Length, CancellationToken.None))
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), staged.Sha256);
            Assert.Equal(content.Length, staged.Length);
            Assert.False(Blobs.Exists(staged.Sha256));
            Assert.Equal(content, await ReadAllAsync(staged.OpenRead()));
            await Blobs.CommitAsync(staged, CancellationToken.None);
            Assert.True(staged.Committed);
            await Blobs.CommitAsync(staged, CancellationToken.None);
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        Assert.True(Blobs.Exists(sha));
        Assert.Equal(content, await ReadAllAsync(Blobs.OpenRead(sha)));
        // Byte by byte through the synchronous path, too.
        using (var stream = Blobs.OpenRead(sha))
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy, 7);
            Assert.Equal(content, copy.ToArray());
        }

        // The same content again is the same object.
        Assert.Equal(sha, (await BlobAsync("again", content)).Sha256);
        Blobs.Delete(sha);
        Assert.False(Blobs.Exists(sha));
        Assert.Throws<FileNotFoundException>(() => Blobs.OpenRead(sha));
        Blobs.Delete(sha);
        Assert.Throws<ArgumentException>(() => Blobs.Exists("../../etc/passwd"));

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => Blobs.StageAsync(new MemoryStream(content), content.Length - 1, CancellationToken.None));
        var empty = await BlobAsync("empty", []);
        Assert.Empty(await ReadAllAsync(Blobs.OpenRead(empty.Sha256)));
    }

    [Fact]
    public async Task The_keyring_is_created_once_first_writer_wins_and_replaced_only_from_what_was_read()
    {
        var keyring = Metadata.Keyring;
        Assert.Null(await keyring.ReadAsync(CancellationToken.None));
        Assert.False(await keyring.ReplaceAsync("{}", "{\"a\":1}", CancellationToken.None));

        // Several nodes creating it at once: one document wins and every one of them is handed that one.
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => keyring.CreateAsync($"{{\"node\":{i}}}", CancellationToken.None))));
        var winner = await keyring.ReadAsync(CancellationToken.None);
        Assert.NotNull(winner);
        Assert.All(created, document => Assert.Equal(winner, document));
        Assert.Equal(winner, await keyring.CreateAsync("{\"late\":true}", CancellationToken.None));

        // A replace succeeds only from the document it was based on (a compare-and-swap): of two racing, one loses.
        Assert.True(await keyring.ReplaceAsync(winner!, "{\"rewrapped\":1}", CancellationToken.None));
        Assert.False(await keyring.ReplaceAsync(winner!, "{\"rewrapped\":2}", CancellationToken.None));
        Assert.Equal("{\"rewrapped\":1}", await keyring.ReadAsync(CancellationToken.None));
    }

    /// <summary>Compares audit entries by value (their lists element by element).</summary>
    private sealed class AuditEntryComparer : IEqualityComparer<AuditEntry>
    {
        public static readonly AuditEntryComparer Instance = new();

        public bool Equals(AuditEntry? x, AuditEntry? y) =>
            x is not null && y is not null && AuditChain.CanonicalJson(x).AsSpan().SequenceEqual(AuditChain.CanonicalJson(y)) && x.Hash == y.Hash && x.PrevHash == y.PrevHash;

        public int GetHashCode(AuditEntry obj) => obj.Seq.GetHashCode();
    }
}

/// <summary>The contract on the embedded store: SQLite and the blob directory.</summary>
public sealed class SqliteStorageContractTests : StorageContract
{
    protected override Task<IReadOnlyDictionary<string, string?>> CreateStoreAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}

/// <summary>The contract on PostgreSQL with blobs in the database (a fresh database per test).</summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresStorageContractTests(PostgresServer server) : StorageContract
{
    private PostgresTestDatabase? _database;

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateStoreAsync()
    {
        _database = await server.CreateDatabaseAsync();
        return _database.ServerSettings();
    }

    protected override async ValueTask DeleteStoreAsync()
    {
        if (_database is { } database)
        {
            await database.DisposeAsync();
        }
    }
}

/// <summary>The contract on PostgreSQL metadata with blobs in a (shared) directory.</summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresWithBlobDirectoryStorageContractTests(PostgresServer server) : StorageContract
{
    private PostgresTestDatabase? _database;

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateStoreAsync()
    {
        _database = await server.CreateDatabaseAsync();
        var settings = _database.ServerSettings();
        settings["HeCompute:Storage:Postgres:Blobs"] = "directory";
        return settings;
    }

    protected override async ValueTask DeleteStoreAsync()
    {
        if (_database is { } database)
        {
            await database.DisposeAsync();
        }
    }
}
