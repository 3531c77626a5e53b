using HeCompute.Ckks;

namespace HeCompute.Server.KeySets;

/// <summary>
/// A key set deserialized and validated against its parameters: what the analytics handlers compute with.
/// Shared by concurrent computations; treat as read-only.
/// </summary>
public sealed class LoadedKeySet
{
    internal LoadedKeySet(
        EncryptionParameters parameters, SEALContext context, PublicKey? publicKey, RelinKeys? relinKeys, GaloisKeys? galoisKeys, long approximateBytes)
    {
        Parameters = parameters;
        Context = context;
        PublicKey = publicKey;
        RelinKeys = relinKeys;
        GaloisKeys = galoisKeys;
        ApproximateBytes = approximateBytes;
    }

    /// <summary>The encryption parameters.</summary>
    public EncryptionParameters Parameters { get; }

    /// <summary>The validated context (at least 128-bit security).</summary>
    public SEALContext Context { get; }

    /// <summary>The public key, if uploaded.</summary>
    public PublicKey? PublicKey { get; }

    /// <summary>The relinearization keys, if uploaded.</summary>
    public RelinKeys? RelinKeys { get; }

    /// <summary>The Galois keys, if uploaded.</summary>
    public GaloisKeys? GaloisKeys { get; }

    /// <summary>Approximate memory held by the deserialized keys (what the cache budgets by).</summary>
    public long ApproximateBytes { get; }

    /// <summary>The Galois elements covered.</summary>
    public IReadOnlyList<uint> GaloisElements => GaloisKeys?.GaloisElements.Order().ToArray() ?? [];
}
