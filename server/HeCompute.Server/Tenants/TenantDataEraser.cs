using HeCompute.Contracts;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Tenants;

/// <summary>
/// Erases a tenant's data on request: cancels its running jobs, deletes its key sets, jobs and results, models,
/// datasets and record batches (also those it contributed to other tenants' datasets), evicts its cached keys and models and deletes every blob no other object references. The tenant, its API keys and its audit log remain
/// (the audit log holds hashes and ids only, and must stay verifiable).
/// </summary>
public sealed partial class TenantDataEraser(
    IMetadataStore metadata,
    BlobCollector collector,
    IEvaluationKeySource keys,
    Predictions.CompiledModelCache compiledModels,
    JobCancellations cancellations,
    ILogger<TenantDataEraser> logger)
{
    /// <summary>Erases the tenant's data.</summary>
    public async Task<TenantErasureResponse> EraseAsync(string tenantId, CancellationToken cancellationToken)
    {
        cancellations.CancelTenant(tenantId);
        var erasure = await collector.WithLockAsync(
            () => metadata.EraseTenantDataAsync(tenantId, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        keys.EvictTenant(tenantId);
        if (erasure.Models > 0)
        {
            compiledModels.Clear();
        }

        var deleted = await collector.ReleaseAsync(erasure.ReleasedBlobs, CancellationToken.None).ConfigureAwait(false);
        LogErased(logger, tenantId, erasure.KeySets, erasure.Jobs, erasure.Models, erasure.Datasets, erasure.Batches, deleted);
        return new TenantErasureResponse(tenantId, erasure.KeySets, erasure.Jobs, deleted, erasure.Models, erasure.Datasets, erasure.Batches);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Erased the data of tenant {TenantId}: {KeySets} key sets, {Jobs} jobs, {Models} models, {Datasets} datasets, {Batches} batches, {Blobs} blobs")]
    private static partial void LogErased(ILogger logger, string tenantId, int keySets, int jobs, int models, int datasets, int batches, int blobs);
}
