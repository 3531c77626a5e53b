using HeCompute.Server.KeySets;
using HeCompute.Server.Predictions;

namespace HeCompute.Server.Cluster;

/// <summary>
/// A key set's grain: a thin host over <see cref="PredictionService"/> on the silo it is placed on. It owns the key
/// set's entry in this silo's <see cref="Caching.EvaluationMemory"/> (under the per-silo byte budget, with its LRU
/// eviction): loaded on the first prediction, or offered by the upload on the same node, and freed when the grain
/// deactivates, so the keys live on the one silo where predictions with them run.
/// </summary>
/// <remarks>
/// Placed on the calling silo when first activated (the upload's node, which holds the keys it just validated, or the
/// first node a prediction reaches); after a silo dies, the next call re-activates it on a live one, which loads the
/// keys from shared storage. Reentrant: it keeps no state of its own, so predictions with one key set run concurrently
/// on the compute scheduler as they do without a cluster.
/// </remarks>
[Orleans.Placement.PreferLocalPlacement]
[Orleans.Concurrency.Reentrant]
public sealed class KeySetGrain(PredictionService predictions, EvaluationKeyCache keys, ClusterMetrics metrics, ILocalSiloDetails silo) : Grain, IKeySetGrain
{
    private string _tenantId = "";
    private string _keySetId = "";

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenantId, _keySetId) = KeySetGrainKey.Parse(this.GetPrimaryKeyString());
        metrics.KeySetGrainActivated();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        keys.Evict(_tenantId, _keySetId);
        metrics.KeySetGrainDeactivated();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<byte[]> PredictAsync(PredictionCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return predictions.EvaluateHereAsync(_tenantId, _keySetId, call.ModelId, call.Records, call.Input, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<SiloAddress> AdoptAsync() => Task.FromResult(silo.SiloAddress);

    /// <inheritdoc/>
    public Task ReleaseAsync()
    {
        keys.Evict(_tenantId, _keySetId);
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
