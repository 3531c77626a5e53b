using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Datasets;
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
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{datasetId}/batches", AppendBatch).WithName("datasets.batches.append")
            .WithSummary("Append one ciphertext of records (application/octet-stream; owner and contributors)")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{datasetId}/batches", ListBatches).WithName("datasets.batches.list").WithSummary("The appended batches (owner)");
        group.MapPost("/{datasetId}/statistics", RequestStatistics).WithName("datasets.statistics").WithMetadata(json)
            .WithSummary("Compute statistics as a job (owner); results sums, products-k and, when asked, mean, variance, stddev")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Created<DatasetResponse>> Create(
        CreateDatasetRequest request, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var dataset = await datasets.CreateAsync(context.User.GetTenantId(), request, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/datasets/{dataset.Id}", dataset.ToResponse(DatasetAccess.Owner));
    }

    private static async Task<Ok<DatasetListResponse>> List(HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var datasets = await metadata.Datasets.ListAccessibleAsync(context.User.GetTenantId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new DatasetListResponse([.. datasets.Select(d => d.Dataset.ToResponse(d.Access))]));
    }

    private static async Task<Ok<DatasetResponse>> Get(string datasetId, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var (dataset, access) = await datasets.GetAsync(context.User.GetTenantId(), datasetId, ownerOnly: false, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(dataset.ToResponse(access));
    }

    private static async Task<NoContent> Delete(string datasetId, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        await datasets.DeleteAsync(context.User.GetTenantId(), datasetId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DatasetResponse>> BindKeySet(
        string datasetId, BindKeySetRequest request, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var dataset = await datasets.BindKeySetAsync(context.User.GetTenantId(), datasetId, request.KeySetId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(dataset.ToResponse(DatasetAccess.Owner));
    }

    private static async Task<Ok<DatasetResponse>> AddContributor(
        string datasetId, AddContributorRequest request, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var dataset = await datasets.AddContributorAsync(context.User.GetTenantId(), datasetId, request.TenantId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(dataset.ToResponse(DatasetAccess.Owner));
    }

    private static async Task<FileStreamHttpResult> GetPublicKey(string datasetId, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var key = await datasets.OpenPublicKeyAsync(context.User.GetTenantId(), datasetId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Stream(key, OctetStreamBody.MediaType);
    }

    private static async Task<Created<DatasetBatchResponse>> AppendBatch(
        string datasetId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "records")] int? records,
        HttpContext context,
        DatasetService datasets,
        IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        var batch = await datasets.AppendBatchAsync(
            context.User.GetTenantId(), datasetId, records,
            (maxBytes, ct) => OctetStreamBody.StageAsync(context.Request, blobs, maxBytes, "The batch ciphertext", ct),
            context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/datasets/{batch.DatasetId}/batches/{batch.Id}", batch.ToResponse());
    }

    private static async Task<Ok<IReadOnlyList<DatasetBatchResponse>>> ListBatches(
        string datasetId, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var batches = await datasets.ListBatchesAsync(context.User.GetTenantId(), datasetId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<DatasetBatchResponse>>([.. batches.Select(b => b.ToResponse())]);
    }

    private static async Task<Accepted<JobResponse>> RequestStatistics(
        string datasetId, StatisticsRequest? request, HttpContext context, DatasetService datasets, CancellationToken cancellationToken)
    {
        var job = await datasets.RequestStatisticsAsync(
            context.User.GetTenantId(), datasetId, request ?? new StatisticsRequest(), context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", job.ToResponse());
    }
}
