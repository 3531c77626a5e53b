namespace HeCompute.Server.Cluster;

/// <summary>
/// One key set's home in the cluster, keyed by <see cref="KeySetGrainKey"/> (tenant and key set id). Its silo holds the
/// key set's deserialized evaluation keys, so synchronous predictions with the key set run there whichever node took
/// the request; the key set is loaded once in the cluster, not once per node.
/// </summary>
[Alias("hecompute.keyset")]
public interface IKeySetGrain : IGrainWithStringKey
{
    /// <summary>Evaluates a model on one ciphertext on this grain's silo; the answer is the serialized result ciphertext.</summary>
    /// <exception cref="Errors.DomainException">Every refusal of <see cref="Predictions.PredictionService"/> (its kind survives the call).</exception>
    [Alias("predict")]
    Task<byte[]> PredictAsync(PredictionCall call, CancellationToken cancellationToken);

    /// <summary>Activates the grain (placement prefers the calling silo) and answers where it lives.</summary>
    [Alias("adopt")]
    Task<SiloAddress> AdoptAsync();

    /// <summary>Frees the key set's memory on this grain's silo and deactivates the grain (the key set was deleted).</summary>
    [Alias("release")]
    Task ReleaseAsync();
}

/// <summary>What a prediction sends to the key set's silo: the model, the record count and the input ciphertext.</summary>
[GenerateSerializer]
[Immutable]
[Alias("hecompute.prediction-call")]
public sealed class PredictionCall
{
    /// <summary>A model visible to the key set's tenant.</summary>
    [Id(0)]
    public required string ModelId { get; init; }

    /// <summary>Records the input holds, checked against the plan.</summary>
    [Id(1)]
    public required int Records { get; init; }

    /// <summary>The serialized input ciphertext (never copied for a call within the silo: the type is immutable).</summary>
    [Id(2)]
    public required byte[] Input { get; init; }
}

/// <summary>The key of a key set's grain: tenant and key set id (a key set id is unique only within its tenant's checks).</summary>
public static class KeySetGrainKey
{
    private const char Separator = '/';

    /// <summary>The grain key of a tenant's key set.</summary>
    public static string Of(string tenantId, string keySetId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(keySetId);
        if (tenantId.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException("A tenant id holds no '/'.", nameof(tenantId));
        }

        return $"{tenantId}{Separator}{keySetId}";
    }

    /// <summary>The tenant and key set id of a grain key.</summary>
    public static (string TenantId, string KeySetId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at == key.Length - 1)
        {
            throw new ArgumentException($"'{key}' is not a key set grain key (tenant/keyset).", nameof(key));
        }

        return (key[..at], key[(at + 1)..]);
    }
}
