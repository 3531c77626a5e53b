using System.Text;
using System.Text.Json;
using HeCompute.Analytics;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Onnx;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Audit;
using HeCompute.Server.Compute;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Predictions;

/// <summary>Registers models (planned and compiled), serves their compiled circuits and deletes them.</summary>
public sealed partial class ModelService(
    IMetadataStore metadata,
    IBlobStore blobs,
    BlobCollector collector,
    CompiledModelCache compiled,
    IComputeScheduler compute,
    TimeProvider time,
    ILogger<ModelService> logger)
{
    private const int MaxNameLength = 100;

    /// <summary>A model visible to the tenant: its own, or one shared with every tenant.</summary>
    /// <exception cref="NotFoundException">No such model visible to the tenant.</exception>
    public async Task<ModelRecord> FindVisibleAsync(string tenantId, string modelId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(modelId);
        return await metadata.Models.GetVisibleAsync(tenantId, modelId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException("model");
    }

    /// <summary>Opens the document (with its weights) of the tenant's own model.</summary>
    /// <exception cref="NotFoundException">The tenant owns no model with this id: a shared model's weights stay private to its owner.</exception>
    public async Task<Stream> OpenDocumentAsync(string tenantId, string modelId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(modelId);
        var model = await metadata.Models.GetVisibleAsync(tenantId, modelId, cancellationToken).ConfigureAwait(false);
        if (model is null || model.TenantId != tenantId)
        {
            throw new NotFoundException("model document");
        }

        var document = model.Blob(ModelRecord.DocumentBlob);
        audit.BodiesOut.Add(document.Sha256);
        return blobs.OpenRead(document.Sha256);
    }

    /// <summary>Registers a model given as a HeCompute JSON document.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> for a bad name, precision, key preset or budget, or document shape; <see cref="DomainErrorKind.InvalidModel"/> when the model cannot be read, <see cref="DomainErrorKind.ModelNotPlannable"/> or <see cref="DomainErrorKind.ActivationIntervalTooNarrow"/> when it cannot be planned.</exception>
    public Task<ModelRecord> RegisterJsonAsync(string tenantId, RegisterModelRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = CheckName(request.Name);
        if (request.Document.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("document", $"The document must be a JSON object in the {ModelDocument.FormatName} format.");
        }

        var precision = CheckPrecision(request.PrecisionBits);
        var (preset, budget) = CheckKeys(request.KeyPreset, request.KeyBudgetBytes);
        var json = request.Document.GetRawText();
        ModelDocument document;
        try
        {
            document = ModelDocument.Parse(json);
        }
        catch (Exception ex) when (ModelRefusals.From(ex) is { } refusal)
        {
            throw refusal;
        }

        return RegisterAsync(
            tenantId,
            new ModelRegistration(name, document, "json", Encoding.UTF8.GetBytes(json), request.Shared, precision, request.NoiseFlooding, request.WidenIntervals, preset, budget),
            audit,
            cancellationToken);
    }

    /// <summary>Imports an ONNX model and registers it.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> for a bad name, precision, key preset or budget; <see cref="DomainErrorKind.InvalidModel"/> when the graph cannot be imported, <see cref="DomainErrorKind.ModelNotPlannable"/> or <see cref="DomainErrorKind.ActivationIntervalTooNarrow"/> when it cannot be planned.</exception>
    public async Task<ModelRecord> RegisterOnnxAsync(string tenantId, OnnxUpload upload, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var request = upload.Options;
        var name = CheckName(request.Name);
        var precision = CheckPrecision(request.PrecisionBits);
        var (preset, budget) = CheckKeys(request.KeyPreset, request.KeyBudgetBytes);
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
        var document = await ImportOnnxAsync(upload.Onnx, importOptions, cancellationToken).ConfigureAwait(false);
        return await RegisterAsync(
            tenantId, new ModelRegistration(name, document, "onnx", upload.Onnx, request.Shared, precision, request.NoiseFlooding, request.WidenIntervals, preset, budget), audit, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Translates an ONNX graph into a model document (heavy: the graph is parsed and its weights folded).</summary>
    public async Task<ModelDocument> ImportOnnxAsync(byte[] onnx, OnnxImportOptions importOptions, CancellationToken cancellationToken)
    {
        try
        {
            return await compute.RunAsync(new ComputeRequest("onnx-import"), _ => OnnxImporter.Import(onnx, importOptions), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ModelRefusals.From(ex) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>Plans, compiles and stores a model for the tenant.</summary>
    /// <exception cref="DomainException">The planner's refusal (<see cref="ModelRefusals"/>).</exception>
    public async Task<ModelRecord> RegisterAsync(string tenantId, ModelRegistration registration, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(audit);
        var plan = await compute.RunAsync(new ComputeRequest("model-plan"), _ => PlanOrRefuse(registration), cancellationToken).ConfigureAwait(false);
        var planJson = JsonSerializer.Serialize(plan.Document, HeComputeJson.Options);
        using var source = await StageAsync(registration.SourceBytes, cancellationToken).ConfigureAwait(false);
        // The document as planned (with any widened activation intervals): the compiled circuit is rebuilt from it.
        using var document = await StageAsync(Encoding.UTF8.GetBytes(plan.ModelDocument.ToJson()), cancellationToken).ConfigureAwait(false);
        var record = new ModelRecord(
            Ids.New("m"),
            tenantId,
            registration.Name,
            registration.Document.Kind,
            registration.Source,
            registration.Shared,
            registration.Document.Input.Features.Count,
            plan.Document.Output.Names,
            source.Sha256,
            planJson,
            registration.NoiseFlooding,
            plan.FloodingStandardDeviation,
            [
                new BlobReference(ModelRecord.SourceBlob, source.Sha256, source.Length),
                new BlobReference(ModelRecord.DocumentBlob, document.Sha256, document.Length),
            ],
            time.GetUtcNow());
        audit.ObjectIds.Add(record.Id);
        audit.BodiesIn.Add(source.Sha256);
        audit.ParmsId = plan.Document.Parameters.ParmsId;
        await collector.WithLockAsync(async () =>
        {
            await blobs.CommitAsync(source, cancellationToken).ConfigureAwait(false);
            await blobs.CommitAsync(document, cancellationToken).ConfigureAwait(false);
            await metadata.Models.CreateAsync(record, CancellationToken.None).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        compiled.Put(record.Id, plan.Model);
        LogRegistered(logger, record.Id, tenantId, record.Kind, record.Source, plan.Document.Parameters.ParmsId);
        return record;
    }

    /// <summary>The compiled circuit of a model (from the cache, or rebuilt from its stored document).</summary>
    public async Task<IEncryptedModel> GetCompiledAsync(ModelRecord model, PlanDocument plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        return await compiled.GetOrCompileAsync(model.Id, () => CompileAsync(model, plan, CancellationToken.None), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rebuilds a model's compiled circuit from its stored document (the heavy work of a cache miss).</summary>
    private async Task<IEncryptedModel> CompileAsync(ModelRecord model, PlanDocument plan, CancellationToken cancellationToken)
    {
        string json;
        var stream = blobs.OpenRead(model.Blob(ModelRecord.DocumentBlob).Sha256);
        await using (stream.ConfigureAwait(false))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            json = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var document = ModelDocument.Parse(json);
        return await compute.RunAsync(
            new ComputeRequest("model-compile"), _ => ModelPlanner.Compile(document, plan), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the tenant's own model; false if it owns none with this id.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string modelId, CancellationToken cancellationToken)
    {
        var released = await metadata.Models.DeleteAsync(tenantId, modelId, cancellationToken).ConfigureAwait(false);
        if (released is null)
        {
            return false;
        }

        compiled.Evict(modelId);
        await collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
        LogDeleted(logger, modelId, tenantId);
        return true;
    }

    private static ModelPlan PlanOrRefuse(ModelRegistration registration)
    {
        try
        {
            return ModelPlanner.Plan(registration.Document, new PlanOptions(registration.PrecisionBits, registration.NoiseFlooding, registration.WidenIntervals, registration.KeyPreset, registration.KeyBudgetBytes));
        }
        catch (Exception ex) when (ModelRefusals.From(ex) is { } refusal)
        {
            throw refusal;
        }
    }

    private static string CheckName(string? requested)
    {
        var name = requested?.Trim();
        return string.IsNullOrEmpty(name) || name.Length > MaxNameLength
            ? throw Invalid("name", $"A model name of 1 to {MaxNameLength} characters is required.")
            : name;
    }

    private static int CheckPrecision(int? precisionBits)
    {
        var bits = precisionBits ?? 20;
        return bits is < 8 or > 40 ? throw Invalid("precision_bits", "precision_bits must be between 8 and 40.") : bits;
    }

    private static (string Preset, long? Budget) CheckKeys(string? preset, long? budget)
    {
        var chosen = preset ?? KeyPresets.Balanced;
        if (!KeyPresets.All.Contains(chosen))
        {
            throw Invalid("key_preset", $"key_preset must be one of {string.Join(", ", KeyPresets.All)}.");
        }

        return budget is <= 0 ? throw Invalid("key_budget_bytes", "key_budget_bytes must be a positive number of bytes.") : (chosen, budget);
    }

    private static DomainException Invalid(string field, string message) => DomainErrors.Invalid($"{field}: {message}");

    private async Task<StagedBlob> StageAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return await blobs.StageAsync(stream, long.MaxValue, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} ({Kind}, from {Source}) registered for tenant {TenantId}: parms {ParmsId}")]
    private static partial void LogRegistered(ILogger logger, string modelId, string tenantId, string kind, string source, string parmsId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} of tenant {TenantId} deleted")]
    private static partial void LogDeleted(ILogger logger, string modelId, string tenantId);
}
