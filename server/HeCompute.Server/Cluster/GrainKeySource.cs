using HeCompute.Server.KeySets;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Cluster;

/// <summary>
/// The evaluation key source of a silo: this silo's <see cref="EvaluationKeyCache"/>, with the key set grains told
/// what happens to a key set, so its keys are held only where its grain lives. An upload's validated keys stay here
/// only if the new grain is placed here (placement prefers the caller, so it is unless this silo is leaving); a
/// deletion frees the keys on the grain's silo too.
/// </summary>
public sealed partial class GrainKeySource(EvaluationKeyCache local, IGrainFactory grains, ILocalSiloDetails silo, ILogger<GrainKeySource> logger) : IEvaluationKeySource
{
    /// <inheritdoc/>
    public Task<LoadedKeySet> GetAsync(KeySetRecord keySet, CancellationToken cancellationToken) => local.GetAsync(keySet, cancellationToken);

    /// <inheritdoc/>
    public void Put(string keySetId, string tenantId, LoadedKeySet keys)
    {
        local.Put(keySetId, tenantId, keys);
        _ = AdoptAsync(tenantId, keySetId);
    }

    /// <inheritdoc/>
    public void Evict(string tenantId, string keySetId)
    {
        local.Evict(tenantId, keySetId);
        _ = ReleaseAsync(tenantId, keySetId);
    }

    /// <inheritdoc/>
    /// <remarks>The tenant's grains on every silo are released too (found through Orleans' management grain).</remarks>
    public void EvictTenant(string tenantId)
    {
        local.EvictTenant(tenantId);
        _ = ReleaseTenantAsync(tenantId);
    }

    private async Task AdoptAsync(string tenantId, string keySetId)
    {
        try
        {
            var home = await grains.GetGrain<IKeySetGrain>(KeySetGrainKey.Of(tenantId, keySetId)).AdoptAsync().ConfigureAwait(false);
            if (!home.Equals(silo.SiloAddress))
            {
                local.Evict(tenantId, keySetId);
            }
        }
#pragma warning disable CA1031 // A failed adoption only costs a load on the grain's silo later; it never fails the upload.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            local.Evict(tenantId, keySetId);
            LogAdoptFailed(logger, ex, keySetId);
        }
    }

    private async Task ReleaseAsync(string tenantId, string keySetId)
    {
        try
        {
            await grains.GetGrain<IKeySetGrain>(KeySetGrainKey.Of(tenantId, keySetId)).ReleaseAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The grain's keys are unusable without their record; they go when the grain idles.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReleaseFailed(logger, ex, keySetId);
        }
    }

    private async Task ReleaseTenantAsync(string tenantId)
    {
        try
        {
            var type = grains.GetGrain<IKeySetGrain>(KeySetGrainKey.Of(tenantId, "-")).GetGrainId().Type;
            foreach (var id in await grains.GetGrain<IManagementGrain>(0).GetActiveGrains(type).ConfigureAwait(false))
            {
                var key = id.Key.ToString();
                if (string.Equals(KeySetGrainKey.Parse(key).TenantId, tenantId, StringComparison.Ordinal))
                {
                    await grains.GetGrain<IKeySetGrain>(key).ReleaseAsync().ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // The erased key sets are unusable without their records; their grains go when they idle.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogTenantReleaseFailed(logger, ex, tenantId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: its key set grains could not be told of the erasure; their keys go when they idle")]
    private static partial void LogTenantReleaseFailed(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key set {KeySetId}: its grain could not be activated on upload; its silo loads the keys on first use")]
    private static partial void LogAdoptFailed(ILogger logger, Exception exception, string keySetId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key set {KeySetId}: its grain could not be told of the deletion; its keys go when it idles")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string keySetId);
}
