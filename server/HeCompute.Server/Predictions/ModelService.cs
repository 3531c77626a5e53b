using System.Text;
using System.Text.Json;
using HeCompute.Analytics;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using HeCompute.Server.Audit;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Predictions;

/// <summary>Registers models (planned and compiled), serves their compiled circuits and deletes them.</summary>
public sealed partial class ModelService(
    IMetadataStore metadata, IBlobStore blobs, BlobCollector collector, CompiledModelCache compiled, TimeProvider time, ILogger<ModelService> logger)
{
    /// <summary>Plans, compiles and stores a model for the tenant.</summary>
    /// <exception cref="ProblemException">422 <c>invalid-model</c> when the planner refuses it.</exception>
    public async Task<ModelRecord> RegisterAsync(string tenantId, ModelRegistration registration, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(audit);
        var plan = await Task.Run(() => PlanOrRefuse(registration), cancellationToken).ConfigureAwait(false);
        var planJson = JsonSerializer.Serialize(plan.Document, HeComputeJson.Options);
        using var source = await StageAsync(registration.SourceBytes, cancellationToken).ConfigureAwait(false);
        using var document = await StageAsync(Encoding.UTF8.GetBytes(registration.Document.ToJson()), cancellationToken).ConfigureAwait(false);
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
        if (compiled.Get(model.Id) is { } cached)
        {
            return cached;
        }

        string json;
        var stream = blobs.OpenRead(model.Blob(ModelRecord.DocumentBlob).Sha256);
        await using (stream.ConfigureAwait(false))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            json = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var document = ModelDocument.Parse(json);
        var result = await Task.Run(() => ModelPlanner.Compile(document, plan.Parameters.PolyModulusDegree / 2), cancellationToken).ConfigureAwait(false);
        compiled.Put(model.Id, result);
        return result;
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
            return ModelPlanner.Plan(registration.Document, new PlanOptions(registration.PrecisionBits, registration.NoiseFlooding));
        }
        catch (Exception ex) when (ex is ModelFormatException or InsufficientLevelsException or ArgumentException)
        {
            throw InvalidModel(ex.Message, ex);
        }
    }

    /// <summary>The 422 problem for a model the server cannot use.</summary>
    public static ProblemException InvalidModel(string detail, Exception? inner = null) =>
        new(StatusCodes.Status422UnprocessableEntity, ProblemTypes.InvalidModel, "The model cannot be used", detail, inner);

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
