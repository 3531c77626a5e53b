using System.Text.Json;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Compute;
using HeCompute.Server.Errors;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Plans;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Datasets;

/// <summary>
/// Encrypted cohorts: definition and planning, the owner's key set, contributors, appended record batches and
/// statistics jobs. Owner-only operations answer a contributor as they answer a stranger: not found.
/// </summary>
public sealed class DatasetService(
    IMetadataStore metadata, IBlobStore blobs, BlobCollector collector, ParameterContexts contexts, JobQueue queue, IComputeScheduler compute, TimeProvider time)
{
    private const int MaxNameLength = 100;
    private const int MaxColumns = 256;
    private const int DefaultMaxRecords = 100_000;
    private const string BatchName = "The batch ciphertext";

    /// <summary>Validates a definition, plans its statistics and stores the dataset.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> naming the field at fault.</exception>
    public async Task<DatasetRecord> CreateAsync(string tenantId, CreateDatasetRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(audit);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            throw DomainErrors.Invalid($"name: a dataset name of 1 to {MaxNameLength} characters is required.");
        }

        var features = request.Features ?? [];
        var categories = request.Categories ?? [];
        if (features.Count == 0 || features.Count + 1 + categories.Count > MaxColumns)
        {
            throw DomainErrors.Invalid($"features: between 1 and {MaxColumns - 1} columns (features, count and categories together) are allowed.");
        }

        if (features.Concat(categories).Any(string.IsNullOrWhiteSpace))
        {
            throw DomainErrors.Invalid("features, categories: every name must be non-empty.");
        }

        if (request.Lower is null || request.Upper is null || request.Lower.Count != features.Count || request.Upper.Count != features.Count)
        {
            throw DomainErrors.Invalid($"lower, upper: one bound per feature ({features.Count}) is required.");
        }

        for (var i = 0; i < features.Count; i++)
        {
            if (!double.IsFinite(request.Lower[i]) || !double.IsFinite(request.Upper[i]) || !(request.Lower[i] < request.Upper[i]))
            {
                throw DomainErrors.Invalid($"lower, upper: feature '{features[i]}' needs finite bounds with lower < upper.");
            }
        }

        var maxRecords = request.MaxRecords ?? DefaultMaxRecords;
        if (maxRecords is < 1 or > 100_000_000)
        {
            throw DomainErrors.Invalid("max_records must be between 1 and 100000000.");
        }

        var defined = new DatasetRecord(
            Ids.New("ds"), tenantId, name, features, request.Lower, request.Upper, categories, request.EncryptedFinish, maxRecords,
            request.PrecisionBits ?? DatasetPlanning.DefaultPrecisionBits, request.NoiseFlooding, [], [], 0, "", null, 0, 0, time.GetUtcNow());
        var plan = await PlanAsync(defined, cancellationToken).ConfigureAwait(false);
        var dataset = defined with
        {
            Columns = plan.Columns,
            Scales = plan.Scales,
            CountColumn = plan.CountColumn,
            PlanJson = JsonSerializer.Serialize(plan.Document, HeComputeJson.Options),
        };
        await metadata.Datasets.CreateAsync(dataset, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(dataset.Id);
        audit.ParmsId = plan.Document.Parameters.ParmsId;
        return dataset;
    }

    /// <summary>A dataset the tenant owns or (unless <paramref name="ownerOnly"/>) contributes to.</summary>
    /// <exception cref="NotFoundException">No such dataset for this tenant.</exception>
    public async Task<(DatasetRecord Dataset, DatasetAccess Access)> GetAsync(
        string tenantId, string datasetId, bool ownerOnly, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(datasetId);
        var found = await metadata.Datasets.GetAccessibleAsync(tenantId, datasetId, cancellationToken).ConfigureAwait(false);
        // A contributor is told nothing about what it may not do: the owner-only operations answer as for a stranger.
        return found is { } f && (!ownerOnly || f.Access == DatasetAccess.Owner) ? f : throw new NotFoundException("dataset");
    }

    /// <summary>Deletes the tenant's dataset, its batches and every blob no longer referenced.</summary>
    /// <exception cref="NotFoundException">The tenant owns no dataset with this id.</exception>
    public async Task DeleteAsync(string tenantId, string datasetId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(datasetId);
        var released = await metadata.Datasets.DeleteAsync(tenantId, datasetId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException("dataset");
        await collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Binds the owner's key set, checked against the dataset's plan (it must also carry a public key for contributors).</summary>
    /// <exception cref="DomainException">Not found (dataset or key set), <see cref="DomainErrorKind.ParmsMismatch"/> or <see cref="DomainErrorKind.MissingKey"/>.</exception>
    public async Task<DatasetRecord> BindKeySetAsync(string tenantId, string datasetId, string? keySetId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var (dataset, _) = await GetAsync(tenantId, datasetId, ownerOnly: true, audit, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(keySetId ?? "");
        var keySet = (string.IsNullOrEmpty(keySetId) ? null : await metadata.KeySets.GetAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false))
            ?? throw new NotFoundException("key set");
        KeySetExpiry.RequireUnexpired(keySet, time.GetUtcNow());
        PlanKeyCheck.Require(StoredPlans.Read(dataset.PlanJson), keySet, needPublicKey: true);
        audit.ParmsId = keySet.ParmsId;
        return await metadata.Datasets.BindKeySetAsync(tenantId, datasetId, keySet.Id, cancellationToken).ConfigureAwait(false)
            ? dataset with { KeySetId = keySet.Id }
            : throw new NotFoundException("dataset");
    }

    /// <summary>Lets another existing tenant append batches.</summary>
    /// <exception cref="DomainException">Not found, or <see cref="DomainErrorKind.Invalid"/> for the owner itself or an unknown tenant.</exception>
    public async Task<DatasetRecord> AddContributorAsync(
        string tenantId, string datasetId, string? contributorTenantId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var (dataset, _) = await GetAsync(tenantId, datasetId, ownerOnly: true, audit, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(contributorTenantId) || contributorTenantId == tenantId
            || await metadata.Tenants.GetAsync(contributorTenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw DomainErrors.Invalid("tenant_id: the id of another existing tenant is required.");
        }

        audit.ObjectIds.Add(contributorTenantId);
        await metadata.Datasets.AddContributorAsync(tenantId, datasetId, contributorTenantId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return dataset;
    }

    /// <summary>Opens the bound key set's public key (for the owner and contributors to encrypt batches with).</summary>
    /// <exception cref="DomainException">Not found, or <see cref="DomainErrorKind.Conflict"/> without a bound key set.</exception>
    public async Task<Stream> OpenPublicKeyAsync(string tenantId, string datasetId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var (dataset, _) = await GetAsync(tenantId, datasetId, ownerOnly: false, audit, cancellationToken).ConfigureAwait(false);
        var keySet = await BoundKeySetAsync(dataset, cancellationToken).ConfigureAwait(false);
        var part = keySet.Parts.First(p => p.Name == KeySetParts.PublicKey);
        audit.BodiesOut.Add(part.Sha256);
        audit.ParmsId = keySet.ParmsId;
        return blobs.OpenRead(part.Sha256);
    }

    /// <summary>Appends one ciphertext of records, checked against the dataset's plan (no key set is loaded for it).</summary>
    /// <param name="tenantId">The owner or a contributor.</param>
    /// <param name="datasetId">The dataset.</param>
    /// <param name="records">Records the ciphertext holds.</param>
    /// <param name="stageBody">Stages the body as a blob, refusing more than the given number of bytes.</param>
    /// <param name="audit">Receives ids, the hash and the parms_id.</param>
    /// <param name="cancellationToken">Aborts the append.</param>
    /// <exception cref="DomainException">Not found, invalid, a conflict (no key set, over the declared records), or an unusable ciphertext.</exception>
    public async Task<DatasetBatchRecord> AppendBatchAsync(
        string tenantId, string datasetId, int? records, Func<long, CancellationToken, Task<StagedBlob>> stageBody, AuditRecord audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stageBody);
        var (dataset, _) = await GetAsync(tenantId, datasetId, ownerOnly: false, audit, cancellationToken).ConfigureAwait(false);
        var plan = StoredPlans.Read(dataset.PlanJson);
        if (records is not { } count || count < 1 || count > plan.Input.RecordsPerCiphertext)
        {
            throw DomainErrors.Invalid($"records: between 1 and {plan.Input.RecordsPerCiphertext} (records one ciphertext holds in this plan) is required.");
        }

        var keySet = await BoundKeySetAsync(dataset, cancellationToken).ConfigureAwait(false);
        audit.ParmsId = keySet.ParmsId;
        using var staged = await stageBody(CiphertextInput.MaxBytes(plan), cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.Add(staged.Sha256);
        await CheckBatchAsync(tenantId, staged, plan, cancellationToken).ConfigureAwait(false);
        var batch = new DatasetBatchRecord(Ids.New("b"), dataset.Id, tenantId, count, staged.Sha256, staged.Length, time.GetUtcNow());
        audit.ObjectIds.Add(batch.Id);
        var outcome = await collector.WithLockAsync(async () =>
        {
            await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
            return await metadata.Datasets.AppendBatchAsync(batch, dataset.MaxRecords, CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (outcome != AppendOutcome.Appended)
        {
            await collector.ReleaseAsync([staged.Sha256], CancellationToken.None).ConfigureAwait(false);
        }

        return outcome switch
        {
            AppendOutcome.Appended => batch,
            AppendOutcome.TooManyRecords => throw DomainErrors.Conflict($"The dataset was declared for at most {dataset.MaxRecords} records; this batch would exceed it."),
            _ => throw new NotFoundException("dataset"),
        };
    }

    /// <summary>The batches of the tenant's own dataset.</summary>
    /// <exception cref="NotFoundException">The tenant owns no dataset with this id.</exception>
    public async Task<IReadOnlyList<DatasetBatchRecord>> ListBatchesAsync(string tenantId, string datasetId, AuditRecord audit, CancellationToken cancellationToken)
    {
        await GetAsync(tenantId, datasetId, ownerOnly: true, audit, cancellationToken).ConfigureAwait(false);
        return await metadata.Datasets.ListBatchesAsync(datasetId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enqueues a statistics job over every batch appended so far.</summary>
    /// <exception cref="DomainException">Not found, <see cref="DomainErrorKind.Invalid"/> for an option the plan has no room for, or a conflict (no key set, too few records).</exception>
    public async Task<JobRecord> RequestStatisticsAsync(
        string tenantId, string datasetId, StatisticsRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (dataset, _) = await GetAsync(tenantId, datasetId, ownerOnly: true, audit, cancellationToken).ConfigureAwait(false);
        if (request.EncryptedFinish && !dataset.EncryptedFinish)
        {
            throw DomainErrors.Invalid("encrypted_finish: the dataset was created without encrypted_finish, so its plan has no levels for it; finish on the client.");
        }

        if (request.NoiseFlooding && !dataset.NoiseFlooding)
        {
            throw DomainErrors.Invalid("noise_flooding: the dataset was created without noise_flooding, so its plan has no scale bits for the flooding noise.");
        }

        var keySet = await BoundKeySetAsync(dataset, cancellationToken).ConfigureAwait(false);
        KeySetExpiry.RequireUnexpired(keySet, time.GetUtcNow());
        var batches = await metadata.Datasets.ListBatchesAsync(datasetId, cancellationToken).ConfigureAwait(false);
        if (batches.Count == 0)
        {
            throw DomainErrors.Conflict("The dataset has no batches yet: append record ciphertexts with POST /v1/datasets/{id}/batches first.");
        }

        if (request.EncryptedFinish && batches.Sum(b => (long)b.Records) < 2)
        {
            throw DomainErrors.Conflict("A sample variance needs at least 2 records; the dataset has 1.");
        }

        audit.ParmsId = keySet.ParmsId;
        var input = new StatisticsJobInput(datasetId, keySet.Id, [.. batches.Select(b => b.Id)], request.EncryptedFinish, request.NoiseFlooding);
        var job = await queue.EnqueueAsync(tenantId, StatisticsJobInput.Kind, input, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(job.Id);
        return job;
    }

    /// <summary>Plans a dataset's statistics (the heavy work of a definition).</summary>
    private async Task<StatisticsPlan> PlanAsync(DatasetRecord defined, CancellationToken cancellationToken) =>
        await compute.RunAsync(new ComputeRequest("dataset-plan", TenantId: defined.TenantId), _ => PlanOrRefuse(DatasetPlanning.Request(defined)), cancellationToken).ConfigureAwait(false);

    /// <summary>Loads a staged batch against the plan's parameters (the heavy work of an append).</summary>
    private async Task CheckBatchAsync(string tenantId, StagedBlob staged, PlanDocument plan, CancellationToken cancellationToken)
    {
        var context = await contexts.GetAsync(plan.Parameters, cancellationToken).ConfigureAwait(false);
        byte[] bytes;
        var stream = staged.OpenRead();
        await using (stream.ConfigureAwait(false))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        await compute.RunAsync(
            new ComputeRequest("dataset-append", TenantId: tenantId),
            _ =>
            {
                CiphertextInput.Load(bytes, context, plan, BatchName).Dispose();
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<KeySetRecord> BoundKeySetAsync(DatasetRecord dataset, CancellationToken cancellationToken) =>
        dataset.KeySetId is null
            ? throw DomainErrors.Conflict("The dataset has no key set yet: its owner binds one with PUT /v1/datasets/{id}/keyset.")
            : await metadata.KeySets.GetAsync(dataset.TenantId, dataset.KeySetId, cancellationToken).ConfigureAwait(false)
                ?? throw DomainErrors.Conflict("The dataset's key set was deleted; its owner must bind another.");

    private static StatisticsPlan PlanOrRefuse(StatisticsPlanRequest request)
    {
        try
        {
            return StatisticsPlanner.Plan(request);
        }
        catch (ArgumentException ex)
        {
            throw DomainErrors.Invalid(ex.Message);
        }
    }
}
