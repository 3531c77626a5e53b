using System.Text.Json;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Compute;
using HeCompute.Server.Datasets;
using HeCompute.Server.Errors;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Predictions;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Encrypted cohorts (hospital role). The owner defines, binds its key set, adds contributors, lists batches, asks for
/// statistics and deletes; a contributor reads the definition and plan, fetches the public key and appends batches, and
/// gets 404 everywhere else; other tenants see nothing.
/// </summary>
public static class DatasetsApi
{
    private const int MaxNameLength = 100;
    private const int MaxColumns = 256;
    private const int DefaultMaxRecords = 100_000;

    /// <summary>Maps <c>/v1/datasets</c>.</summary>
    public static IEndpointRouteBuilder MapDatasets(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var json = app.JsonBodyLimit();
        var group = app.MapGroup("/v1/datasets").WithTags("Datasets").RequireAuthorization(Policies.Hospital);
        group.MapPost("/", Create).WithName("datasets.create").WithMetadata(json)
            .WithSummary("Define a dataset: the server plans parameters, keys and packing for its statistics");
        group.MapGet("/", List).WithName("datasets.list").WithSummary("Datasets this tenant owns or contributes to");
        group.MapGet("/{datasetId}", Get).WithName("datasets.get").WithSummary("A dataset's definition, plan and totals");
        group.MapDelete("/{datasetId}", Delete).WithName("datasets.delete").WithSummary("Delete a dataset and its batches (owner)");
        group.MapPut("/{datasetId}/keyset", BindKeySet).WithName("datasets.keyset.bind").WithMetadata(json)
            .WithSummary("Bind the owner's key set (plan parameters, planned Galois keys, relinearization and public key)");
        group.MapPost("/{datasetId}/contributors", AddContributor).WithName("datasets.contributors.add").WithMetadata(json)
            .WithSummary("Let another tenant append batches (owner)");
        group.MapGet("/{datasetId}/public-key", GetPublicKey).WithName("datasets.public-key")
            .WithSummary("The bound key set's SEAL public key, to encrypt batches with (owner and contributors)")
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType);
        group.MapPost("/{datasetId}/batches", AppendBatch).WithName("datasets.batches.append")
            .WithSummary("Append one ciphertext of records (application/octet-stream; owner and contributors)")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{datasetId}/batches", ListBatches).WithName("datasets.batches.list").WithSummary("The appended batches (owner)");
        group.MapPost("/{datasetId}/statistics", RequestStatistics).WithName("datasets.statistics").WithMetadata(json)
            .WithSummary("Compute statistics as a job (owner); results sums, products-k and, when asked, mean, variance, stddev");
        return app;
    }

    private static async Task<Created<DatasetResponse>> Create(
        CreateDatasetRequest request, HttpContext context, IMetadataStore metadata, IComputeScheduler compute, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            throw Invalid($"name: a dataset name of 1 to {MaxNameLength} characters is required.");
        }

        var features = request.Features ?? [];
        var categories = request.Categories ?? [];
        if (features.Count == 0 || features.Count + 1 + categories.Count > MaxColumns)
        {
            throw Invalid($"features: between 1 and {MaxColumns - 1} columns (features, count and categories together) are allowed.");
        }

        if (features.Concat(categories).Any(string.IsNullOrWhiteSpace))
        {
            throw Invalid("features, categories: every name must be non-empty.");
        }

        if (request.Lower is null || request.Upper is null || request.Lower.Count != features.Count || request.Upper.Count != features.Count)
        {
            throw Invalid($"lower, upper: one bound per feature ({features.Count}) is required.");
        }

        for (var i = 0; i < features.Count; i++)
        {
            if (!double.IsFinite(request.Lower[i]) || !double.IsFinite(request.Upper[i]) || !(request.Lower[i] < request.Upper[i]))
            {
                throw Invalid($"lower, upper: feature '{features[i]}' needs finite bounds with lower < upper.");
            }
        }

        var maxRecords = request.MaxRecords ?? DefaultMaxRecords;
        if (maxRecords is < 1 or > 100_000_000)
        {
            throw Invalid("max_records must be between 1 and 100000000.");
        }

        var defined = new DatasetRecord(
            Ids.New("ds"), context.User.GetTenantId(), name, features, request.Lower, request.Upper, categories, request.EncryptedFinish, maxRecords,
            request.PrecisionBits ?? DatasetPlanning.DefaultPrecisionBits, request.NoiseFlooding, [], [], 0, "", null, 0, 0, time.GetUtcNow());
        var plan = await compute.RunAsync(new ComputeRequest("dataset-plan"), _ => PlanOrRefuse(DatasetPlanning.Request(defined)), cancellationToken).ConfigureAwait(false);
        var dataset = defined with
        {
            Columns = plan.Columns,
            Scales = plan.Scales,
            CountColumn = plan.CountColumn,
            PlanJson = JsonSerializer.Serialize(plan.Document, HeComputeJson.Options),
        };
        await metadata.Datasets.CreateAsync(dataset, cancellationToken).ConfigureAwait(false);
        context.Audit().ObjectIds.Add(dataset.Id);
        context.Audit().ParmsId = plan.Document.Parameters.ParmsId;
        return TypedResults.Created($"/v1/datasets/{dataset.Id}", dataset.ToResponse(DatasetAccess.Owner));
    }

    private static async Task<Ok<DatasetListResponse>> List(HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var datasets = await metadata.Datasets.ListAccessibleAsync(context.User.GetTenantId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new DatasetListResponse([.. datasets.Select(d => d.Dataset.ToResponse(d.Access))]));
    }

    private static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> Get(
        string datasetId, HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var found = await FindAsync(context, metadata, datasetId, ownerOnly: false, cancellationToken).ConfigureAwait(false);
        return found is { } f ? TypedResults.Ok(f.Dataset.ToResponse(f.Access)) : Problems.NotFound("dataset");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string datasetId, HttpContext context, IMetadataStore metadata, BlobCollector collector, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(datasetId);
        var released = await metadata.Datasets.DeleteAsync(context.User.GetTenantId(), datasetId, cancellationToken).ConfigureAwait(false);
        if (released is null)
        {
            return Problems.NotFound("dataset");
        }

        await collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> BindKeySet(
        string datasetId, BindKeySetRequest request, HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var tenantId = context.User.GetTenantId();
        if (await FindAsync(context, metadata, datasetId, ownerOnly: true, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return Problems.NotFound("dataset");
        }

        context.Audit().ObjectIds.Add(request.KeySetId ?? "");
        var keySet = string.IsNullOrEmpty(request.KeySetId) ? null : await metadata.KeySets.GetAsync(tenantId, request.KeySetId, cancellationToken).ConfigureAwait(false);
        if (keySet is null)
        {
            return Problems.NotFound("key set");
        }

        PlanKeyCheck.Require(Predictor.ReadPlan(found.Dataset.PlanJson), keySet, needPublicKey: true);
        context.Audit().ParmsId = keySet.ParmsId;
        if (!await metadata.Datasets.BindKeySetAsync(tenantId, datasetId, keySet.Id, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound("dataset");
        }

        return TypedResults.Ok((found.Dataset with { KeySetId = keySet.Id }).ToResponse(DatasetAccess.Owner));
    }

    private static async Task<Results<Ok<DatasetResponse>, ProblemHttpResult>> AddContributor(
        string datasetId, AddContributorRequest request, HttpContext context, IMetadataStore metadata, TimeProvider time, CancellationToken cancellationToken)
    {
        var tenantId = context.User.GetTenantId();
        if (await FindAsync(context, metadata, datasetId, ownerOnly: true, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return Problems.NotFound("dataset");
        }

        if (string.IsNullOrWhiteSpace(request.TenantId) || request.TenantId == tenantId
            || await metadata.Tenants.GetAsync(request.TenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw Invalid("tenant_id: the id of another existing tenant is required.");
        }

        context.Audit().ObjectIds.Add(request.TenantId);
        await metadata.Datasets.AddContributorAsync(tenantId, datasetId, request.TenantId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(found.Dataset.ToResponse(DatasetAccess.Owner));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetPublicKey(
        string datasetId, HttpContext context, IMetadataStore metadata, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (await FindAsync(context, metadata, datasetId, ownerOnly: false, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return Problems.NotFound("dataset");
        }

        var keySet = await BoundKeySetAsync(metadata, found.Dataset, cancellationToken).ConfigureAwait(false);
        var part = keySet.Parts.First(p => p.Name == KeySetParts.PublicKey);
        context.Audit().BodiesOut.Add(part.Sha256);
        context.Audit().ParmsId = keySet.ParmsId;
        return TypedResults.Stream(blobs.OpenRead(part.Sha256), OctetStreamBody.MediaType);
    }

    private static async Task<Results<Created<DatasetBatchResponse>, ProblemHttpResult>> AppendBatch(
        string datasetId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "records")] int? records,
        HttpContext context,
        IMetadataStore metadata,
        IBlobStore blobs,
        BlobCollector collector,
        KeySetService keySets,
        IComputeScheduler compute,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var audit = context.Audit();
        var tenantId = context.User.GetTenantId();
        if (await FindAsync(context, metadata, datasetId, ownerOnly: false, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return Problems.NotFound("dataset");
        }

        var dataset = found.Dataset;
        var plan = Predictor.ReadPlan(dataset.PlanJson);
        if (records is not { } count || count < 1 || count > plan.Input.RecordsPerCiphertext)
        {
            throw Invalid($"records: between 1 and {plan.Input.RecordsPerCiphertext} (records one ciphertext holds in this plan) is required.");
        }

        var keySet = await BoundKeySetAsync(metadata, dataset, cancellationToken).ConfigureAwait(false);
        var keys = await keySets.GetKeysAsync(dataset.TenantId, keySet.Id, cancellationToken).ConfigureAwait(false)
            ?? throw Conflict("The dataset's key set was deleted; the owner must bind another.");
        audit.ParmsId = keySet.ParmsId;
        var maxBytes = CiphertextInput.MaxBytes(plan);
        OctetStreamBody.Prepare(context.Request, maxBytes, "The batch ciphertext");
        StagedBlob staged;
        try
        {
            staged = await blobs.StageAsync(context.Request.Body, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException)
        {
            throw OctetStreamBody.TooLarge("The batch ciphertext", maxBytes);
        }

        using (staged)
        {
            audit.BodiesIn.Add(staged.Sha256);
            byte[] bytes;
            await using (var stream = staged.OpenRead())
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }

            await compute.RunAsync(
                new ComputeRequest("dataset-append"),
                _ =>
                {
                    CiphertextInput.Load(bytes, keys.Keys.Context, plan, "The batch ciphertext").Dispose();
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
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
                AppendOutcome.Appended => TypedResults.Created($"/v1/datasets/{dataset.Id}/batches/{batch.Id}", batch.ToResponse()),
                AppendOutcome.TooManyRecords => throw Conflict($"The dataset was declared for at most {dataset.MaxRecords} records; this batch would exceed it."),
                _ => Problems.NotFound("dataset"),
            };
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<DatasetBatchResponse>>, ProblemHttpResult>> ListBatches(
        string datasetId, HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        if (await FindAsync(context, metadata, datasetId, ownerOnly: true, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("dataset");
        }

        var batches = await metadata.Datasets.ListBatchesAsync(datasetId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<DatasetBatchResponse>>([.. batches.Select(b => b.ToResponse())]);
    }

    private static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> RequestStatistics(
        string datasetId, StatisticsRequest? request, HttpContext context, IMetadataStore metadata, JobQueue queue, CancellationToken cancellationToken)
    {
        request ??= new StatisticsRequest();
        var tenantId = context.User.GetTenantId();
        if (await FindAsync(context, metadata, datasetId, ownerOnly: true, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return Problems.NotFound("dataset");
        }

        var dataset = found.Dataset;
        if (request.EncryptedFinish && !dataset.EncryptedFinish)
        {
            throw Invalid("encrypted_finish: the dataset was created without encrypted_finish, so its plan has no levels for it; finish on the client.");
        }

        if (request.NoiseFlooding && !dataset.NoiseFlooding)
        {
            throw Invalid("noise_flooding: the dataset was created without noise_flooding, so its plan has no scale bits for the flooding noise.");
        }

        var keySet = await BoundKeySetAsync(metadata, dataset, cancellationToken).ConfigureAwait(false);
        var batches = await metadata.Datasets.ListBatchesAsync(datasetId, cancellationToken).ConfigureAwait(false);
        if (batches.Count == 0)
        {
            throw Conflict("The dataset has no batches yet: append record ciphertexts with POST /v1/datasets/{id}/batches first.");
        }

        if (request.EncryptedFinish && batches.Sum(b => (long)b.Records) < 2)
        {
            throw Conflict("A sample variance needs at least 2 records; the dataset has 1.");
        }

        context.Audit().ParmsId = keySet.ParmsId;
        var input = new StatisticsJobInput(datasetId, keySet.Id, [.. batches.Select(b => b.Id)], request.EncryptedFinish, request.NoiseFlooding);
        var job = await queue.EnqueueAsync(tenantId, StatisticsJobInput.Kind, input, cancellationToken).ConfigureAwait(false);
        context.Audit().ObjectIds.Add(job.Id);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", job.ToResponse());
    }

    private static async Task<(DatasetRecord Dataset, DatasetAccess Access)?> FindAsync(
        HttpContext context, IMetadataStore metadata, string datasetId, bool ownerOnly, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(datasetId);
        var found = await metadata.Datasets.GetAccessibleAsync(context.User.GetTenantId(), datasetId, cancellationToken).ConfigureAwait(false);
        // A contributor is told nothing about what it may not do: the owner-only endpoints answer 404 as for a stranger.
        return found is { } f && (!ownerOnly || f.Access == DatasetAccess.Owner) ? f : null;
    }

    private static async Task<KeySetRecord> BoundKeySetAsync(IMetadataStore metadata, DatasetRecord dataset, CancellationToken cancellationToken) =>
        dataset.KeySetId is null
            ? throw Conflict("The dataset has no key set yet: its owner binds one with PUT /v1/datasets/{id}/keyset.")
            : await metadata.KeySets.GetAsync(dataset.TenantId, dataset.KeySetId, cancellationToken).ConfigureAwait(false)
                ?? throw Conflict("The dataset's key set was deleted; its owner must bind another.");

    private static StatisticsPlan PlanOrRefuse(StatisticsPlanRequest request)
    {
        try
        {
            return StatisticsPlanner.Plan(request);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(ex.Message);
        }
    }

    private static ProblemException Invalid(string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid", detail);

    private static ProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict", detail);
}
