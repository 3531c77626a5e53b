using HeCompute.Server.Errors;
using HeCompute.Server.Predictions;

namespace HeCompute.Server.Cluster;

/// <summary>Sends each synchronous prediction to its key set's grain, on whichever silo that grain lives.</summary>
public sealed class KeySetGrainPlacement(IGrainFactory grains) : IPredictionPlacement
{
    /// <inheritdoc/>
    public async Task<byte[]> EvaluateAsync(string tenantId, string keySetId, string modelId, int records, byte[] input, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IKeySetGrain>(KeySetGrainKey.Of(tenantId, keySetId));
        try
        {
            return await grain.PredictAsync(new PredictionCall { ModelId = modelId, Records = records, Input = input }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrleansMessageRejectionException or TimeoutException)
        {
            // The grain's silo died or is unreachable: until membership declares it dead (a few probe periods) calls to it
            // fail; then the next one re-activates the grain on a live silo. The client retries, as after any 503.
            throw DomainErrors.ComputeBusy(
                $"The cluster node holding key set {keySetId} cannot be reached; the key set moves to another node once that one is declared dead. Retry shortly.",
                ex);
        }
    }
}
