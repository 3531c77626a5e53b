using System.Diagnostics;
using System.Globalization;
using System.Text;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Onnx;
using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Errors;
using HeCompute.Server.Jobs;
using HeCompute.Server.Options;
using HeCompute.Server.Predictions;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
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
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Created<ModelResponse>> Register(
        RegisterModelRequest request, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            throw Invalid("name", "A model name of 1 to 100 characters is required.");
        }

        if (request.Document.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw Invalid("document", $"The document must be a JSON object in the {ModelDocument.FormatName} format.");
        }

        var precision = CheckPrecision(request.PrecisionBits);
        var source = Encoding.UTF8.GetBytes(request.Document.GetRawText());
        ModelDocument document;
        try
        {
            document = ModelDocument.Parse(request.Document.GetRawText());
        }
        catch (ModelFormatException ex)
        {
            throw ModelService.InvalidModel(ex.Message, ex);
        }

        var record = await models.RegisterAsync(
            context.User.GetTenantId(), new ModelRegistration(name, document, "json", source, request.Shared, precision, request.NoiseFlooding), context.Audit(), cancellationToken)
            .ConfigureAwait(false);
        return TypedResults.Created($"/v1/models/{record.Id}", record.ToResponse(context.User.GetTenantId()));
    }

    private static async Task<Created<ModelResponse>> RegisterOnnx(
        HttpContext context, ModelService models, IOptions<HeComputeServerOptions> options, CancellationToken cancellationToken)
    {
        var upload = await OnnxUpload.ReadAsync(context.Request, options.Value.Analytics.MaxModelBytes, cancellationToken).ConfigureAwait(false);
        var request = upload.Options;
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            throw Invalid("name", "A model name of 1 to 100 characters is required.");
        }

        var precision = CheckPrecision(request.PrecisionBits);
        var importOptions = new OnnxImportOptions
        {
            Features = request.Features ?? [],
            Kind = request.Kind,
            Mean = request.Mean,
            Scale = request.Scale,
            Lower = request.Lower,
            Upper = request.Upper,
            ActivationLower = request.ActivationLower,
            ActivationUpper = request.ActivationUpper,
            ActivationDegree = request.ActivationDegree,
            Outputs = request.Outputs,
        };
        ModelDocument document;
        try
        {
            document = await Task.Run(() => OnnxImporter.Import(upload.Onnx, importOptions), cancellationToken).ConfigureAwait(false);
        }
        catch (ModelFormatException ex)
        {
            throw ModelService.InvalidModel(ex.Message, ex);
        }

        var record = await models.RegisterAsync(
            context.User.GetTenantId(), new ModelRegistration(name, document, "onnx", upload.Onnx, request.Shared, precision, request.NoiseFlooding), context.Audit(), cancellationToken)
            .ConfigureAwait(false);
        return TypedResults.Created($"/v1/models/{record.Id}", record.ToResponse(context.User.GetTenantId()));
    }

    private static async Task<Ok<ModelListResponse>> List(HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var tenantId = context.User.GetTenantId();
        var models = await metadata.Models.ListVisibleAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ModelListResponse([.. models.Select(m => m.ToResponse(tenantId))]));
    }

    private static async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> Get(
        string modelId, HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var model = await FindAsync(context, metadata, modelId, cancellationToken).ConfigureAwait(false);
        return model is null ? Problems.NotFound("model") : TypedResults.Ok(model.ToResponse(context.User.GetTenantId()));
    }

    private static async Task<Results<Ok<PlanDocument>, ProblemHttpResult>> GetPlan(
        string modelId, HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        var model = await FindAsync(context, metadata, modelId, cancellationToken).ConfigureAwait(false);
        return model is null ? Problems.NotFound("model") : TypedResults.Ok(Predictor.ReadPlan(model.PlanJson));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetDocument(
        string modelId, HttpContext context, IMetadataStore metadata, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var model = await FindAsync(context, metadata, modelId, cancellationToken).ConfigureAwait(false);
        // A shared model's weights stay private: to everyone but the owner it has no document.
        if (model is null || model.TenantId != context.User.GetTenantId())
        {
            return Problems.NotFound("model document");
        }

        var document = model.Blob(ModelRecord.DocumentBlob);
        context.Audit().BodiesOut.Add(document.Sha256);
        return TypedResults.Stream(blobs.OpenRead(document.Sha256), "application/json");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string modelId, HttpContext context, ModelService models, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(modelId);
        return await models.DeleteAsync(context.User.GetTenantId(), modelId, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Problems.NotFound("model");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Predict(
        string modelId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = PredictProtocol.KeySetId)] string? keySetId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = PredictProtocol.Records)] int? records,
        HttpContext context,
        IMetadataStore metadata,
        Predictor predictor,
        HeComputeMetrics metrics,
        IOptions<HeComputeServerOptions> options,
        CancellationToken cancellationToken)
    {
        var audit = context.Audit();
        var model = await FindAsync(context, metadata, modelId, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return Problems.NotFound("model");
        }

        audit.ObjectIds.Add(keySetId ?? "");
        var session = await predictor.OpenAsync(context.User.GetTenantId(), model, keySetId, cancellationToken).ConfigureAwait(false);
        audit.ParmsId = session.Plan.Parameters.ParmsId;
        var count = session.CheckRecords(records);
        var input = await OctetStreamBody.ReadAsync(context.Request, session.MaxInputBytes, "The input ciphertext", cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.Add(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input)));

        var started = Stopwatch.GetTimestamp();
        var work = Task.Run(() => session.Predict(input, count, "The input ciphertext"), CancellationToken.None);
        byte[] output;
        try
        {
            output = await work.WaitAsync(options.Value.Analytics.PredictTimeBudget, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ProblemException(
                StatusCodes.Status503ServiceUnavailable, ProblemTypes.TimeBudgetExceeded, "The prediction exceeded the time budget",
                $"The prediction did not finish within {options.Value.Analytics.PredictTimeBudget.TotalSeconds:0.#} s; its result is discarded. " +
                $"Submit the ciphertext to POST /v1/models/{modelId}/predict-jobs instead.");
        }

        metrics.RecordHomomorphicOperations("model-evaluation");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(output));
        audit.BodiesOut.Add(sha);
        var headers = context.Response.Headers;
        headers[PredictProtocol.RecordsHeader] = count.ToString(CultureInfo.InvariantCulture);
        headers[PredictProtocol.ResultSha256Header] = sha;
        headers[PredictProtocol.ComputeMillisecondsHeader] = ((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.File(output, OctetStreamBody.MediaType);
    }

    private static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> SubmitJob(
        string modelId,
        HttpContext context,
        IMetadataStore metadata,
        IBlobStore blobs,
        Predictor predictor,
        JobQueue queue,
        IOptions<HeComputeServerOptions> options,
        CancellationToken cancellationToken)
    {
        var audit = context.Audit();
        var tenantId = context.User.GetTenantId();
        var model = await FindAsync(context, metadata, modelId, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return Problems.NotFound("model");
        }

        var plan = Predictor.ReadPlan(model.PlanJson);
        using var upload = await PredictJobUpload.ReadAsync(
            context.Request, blobs, CiphertextInput.MaxBytes(plan), options.Value.Analytics.MaxBatchInputs, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(upload.KeySetId ?? "");
        audit.BodiesIn.AddRange(upload.Inputs.Select(i => i.Sha256));
        var session = await predictor.OpenAsync(tenantId, model, upload.KeySetId, cancellationToken).ConfigureAwait(false);
        audit.ParmsId = plan.Parameters.ParmsId;
        var records = new List<int>();
        for (var i = 0; i < upload.Inputs.Count; i++)
        {
            records.Add(session.CheckRecords(upload.Records?[i]));
            byte[] bytes;
            await using (var stream = upload.Inputs[i].OpenRead())
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }

            // Checked now, so a malformed input is refused with its problem instead of failing the job later.
            CiphertextInput.Load(bytes, session.Context.Parameters, plan, $"Input {i}").Dispose();
        }

        var inputs = new Dictionary<string, StagedBlob>(StringComparer.Ordinal);
        for (var i = 0; i < upload.Inputs.Count; i++)
        {
            inputs[PredictBatchInput.InputName(i)] = upload.Inputs[i];
        }

        var job = await queue.EnqueueAsync(tenantId, PredictProtocol.BatchJobKind, new PredictBatchInput(model.Id, upload.KeySetId!, records), inputs, cancellationToken)
            .ConfigureAwait(false);
        audit.ObjectIds.Add(job.Id);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", job.ToResponse());
    }

    private static async Task<ModelRecord?> FindAsync(HttpContext context, IMetadataStore metadata, string modelId, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(modelId);
        return await metadata.Models.GetVisibleAsync(context.User.GetTenantId(), modelId, cancellationToken).ConfigureAwait(false);
    }

    private static int CheckPrecision(int? precisionBits)
    {
        var bits = precisionBits ?? 20;
        return bits is < 8 or > 40 ? throw Invalid("precision_bits", "precision_bits must be between 8 and 40.") : bits;
    }

    private static ProblemException Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid", $"{field}: {message}");
}
