using System.Globalization;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Options;
using HeCompute.Server.Predictions;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Models (model-admin registers and deletes; hospitals and model-admins list and read plans) and predictions
/// (hospitals). A model is visible to its owner and, when shared, to every tenant; only the owner reads its document or
/// deletes it.
/// </summary>
public static class ModelsApi
{
    /// <summary>Maps <c>/v1/models</c>.</summary>
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var analytics = app.ServiceProvider.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.Analytics;
        var group = app.MapGroup("/v1/models").WithTags("Models");
        group.MapPost("/", Register).WithName("models.create").RequireAuthorization(Policies.ModelAdmin)
            .WithMetadata(new RequestSizeLimit(analytics.MaxModelBytes))
            .WithSummary("Register a model (HeCompute JSON): planned and compiled; the answer carries the plan")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/onnx", RegisterOnnx).WithName("models.create-onnx").RequireAuthorization(Policies.ModelAdmin)
            .WithSummary("Register an ONNX model (multipart/form-data: onnx file, options JSON): imported, planned and compiled")
            .AcceptsMultipart(
                "The ONNX file and the import options.",
                [OnnxImportParts.Onnx, OnnxImportParts.Options],
                new Dictionary<string, Microsoft.OpenApi.IOpenApiSchema>
                {
                    [OnnxImportParts.Onnx] = MultipartBody.Binary("The ONNX model file."),
                    [OnnxImportParts.Options] = MultipartBody.Text("An OnnxImportRequest JSON object."),
                })
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/", List).WithName("models.list").RequireAuthorization(Policies.ModelReader).WithSummary("This tenant's models and the shared ones");
        group.MapGet("/{modelId}", Get).WithName("models.get").RequireAuthorization(Policies.ModelReader).WithSummary("A model and its plan");
        group.MapGet("/{modelId}/plan", GetPlan).WithName("models.plan").RequireAuthorization(Policies.ModelReader)
            .WithSummary("The plan document clients follow (parameters, keys, packing, sizes)");
        group.MapGet("/{modelId}/document", GetDocument).WithName("models.document").RequireAuthorization(Policies.ModelAdmin)
            .WithSummary("The model document with its weights (owner only)");
        group.MapDelete("/{modelId}", Delete).WithName("models.delete").RequireAuthorization(Policies.ModelAdmin).WithSummary("Delete a model (owner only)");
        group.MapPost("/{modelId}/predict", Predict).WithName("predict.create").RequireAuthorization(Policies.Hospital)
            .WithSummary("Predict on one ciphertext (application/octet-stream) within the time budget; the answer is the result ciphertext")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/{modelId}/predict-jobs", SubmitJob).WithName("predict.jobs.create").RequireAuthorization(Policies.Hospital)
            .WithSummary("Predict on a batch of ciphertexts as a job (multipart/form-data: keyset_id, records, input × n)")
            .AcceptsMultipart(
                "The key set, the record count of each input, and one SEAL ciphertext part per input.",
                [PredictProtocol.KeySetId, PredictProtocol.Records, PredictProtocol.Input],
                new Dictionary<string, Microsoft.OpenApi.IOpenApiSchema>
                {
                    [PredictProtocol.KeySetId] = MultipartBody.Text("The key set the inputs are encrypted under."),
                    [PredictProtocol.Records] = MultipartBody.Text("Comma-separated positive integers, one per input."),
                    [PredictProtocol.Input] = MultipartBody.Repeated(MultipartBody.Binary("One SEAL ciphertext per input, in order.")),
                })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Created<ModelResponse>> Register(
        RegisterModelRequest request, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        var record = await models.RegisterJsonAsync(context.User.GetTenantId(), request, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/models/{record.Id}", record.ToResponse(context.User.GetTenantId()));
    }

    private static async Task<Created<ModelResponse>> RegisterOnnx(
        HttpContext context, ModelService models, IOptions<HeComputeServerOptions> options, CancellationToken cancellationToken)
    {
        var upload = await OnnxUploadReader.ReadAsync(context.Request, options.Value.Analytics.MaxModelBytes, cancellationToken).ConfigureAwait(false);
        var record = await models.RegisterOnnxAsync(context.User.GetTenantId(), upload, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/models/{record.Id}", record.ToResponse(context.User.GetTenantId()));
    }

    private static async Task<Ok<ModelListResponse>> List(HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var tenantId = context.User.GetTenantId();
        var models = await metadata.Models.ListVisibleAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ModelListResponse([.. models.Select(m => m.ToResponse(tenantId))]));
    }

    private static async Task<Ok<ModelResponse>> Get(string modelId, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        var model = await models.FindVisibleAsync(context.User.GetTenantId(), modelId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(model.ToResponse(context.User.GetTenantId()));
    }

    private static async Task<Ok<PlanDocument>> GetPlan(string modelId, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        var model = await models.FindVisibleAsync(context.User.GetTenantId(), modelId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Plans.StoredPlans.Read(model.PlanJson));
    }

    private static async Task<FileStreamHttpResult> GetDocument(string modelId, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        var document = await models.OpenDocumentAsync(context.User.GetTenantId(), modelId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Stream(document, "application/json");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string modelId, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(modelId);
        return await models.DeleteAsync(context.User.GetTenantId(), modelId, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Problems.NotFound("model");
    }

    private static async Task<FileContentHttpResult> Predict(
        string modelId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = PredictProtocol.KeySetId)] string? keySetId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = PredictProtocol.Records)] int? records,
        HttpContext context,
        PredictionService predictions,
        CancellationToken cancellationToken)
    {
        var result = await predictions.PredictAsync(
            context.User.GetTenantId(), modelId, keySetId, records,
            (maxBytes, ct) => OctetStreamBody.ReadAsync(context.Request, maxBytes, "The input ciphertext", ct),
            context.Audit(), cancellationToken).ConfigureAwait(false);
        var headers = context.Response.Headers;
        headers[PredictProtocol.RecordsHeader] = result.Records.ToString(CultureInfo.InvariantCulture);
        headers[PredictProtocol.ResultSha256Header] = result.Sha256;
        headers[PredictProtocol.ComputeMillisecondsHeader] = ((long)result.Compute.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.File(result.Output, OctetStreamBody.MediaType);
    }

    private static async Task<Accepted<JobResponse>> SubmitJob(
        string modelId, HttpContext context, IBlobStore blobs, PredictionService predictions, CancellationToken cancellationToken)
    {
        var job = await predictions.SubmitJobAsync(
            context.User.GetTenantId(), modelId,
            (maxInputBytes, maxInputs, ct) => PredictJobUploadReader.ReadAsync(context.Request, blobs, maxInputBytes, maxInputs, ct),
            context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", job.ToResponse());
    }
}
