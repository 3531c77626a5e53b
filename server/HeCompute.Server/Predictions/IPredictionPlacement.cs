namespace HeCompute.Server.Predictions;

/// <summary>
/// Where a synchronous prediction is evaluated once the node that took the request has checked it: on the cluster node
/// that holds the key set's deserialized keys (<see cref="PredictionService.EvaluateHereAsync"/> runs there).
/// </summary>
public interface IPredictionPlacement
{
    /// <summary>Evaluates <paramref name="modelId"/> on <paramref name="input"/> with the tenant's key set, wherever that key set lives.</summary>
    /// <returns>The serialized result ciphertext.</returns>
    /// <exception cref="Errors.DomainException">The refusals of <see cref="PredictionService.EvaluateHereAsync"/>, or
    /// <see cref="Errors.DomainErrorKind.ComputeBusy"/> while the key set's node cannot be reached.</exception>
    Task<byte[]> EvaluateAsync(string tenantId, string keySetId, string modelId, int records, byte[] input, CancellationToken cancellationToken);
}
