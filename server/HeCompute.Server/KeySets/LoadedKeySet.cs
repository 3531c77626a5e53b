using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Server.KeySets;

/// <summary>
/// A key set deserialized and validated against its parameters: what the analytics handlers compute with.
/// Shared by concurrent computations; treat as read-only.
/// </summary>
public sealed class LoadedKeySet
{
    internal LoadedKeySet(
        Parameters context, PublicKey? publicKey, RelinKeys? relinKeys, GaloisKeys? galoisKeys, long approximateBytes)
    {
        Context = context;
        EvaluationKeys = new EvaluationKeySet(relinKeys, galoisKeys);
        PublicKey = publicKey;
        RelinKeys = relinKeys;
        GaloisKeys = galoisKeys;
        ApproximateBytes = approximateBytes;
    }

    /// <summary>The encryption parameters as uploaded (unchecked form of <see cref="Context"/>).</summary>
    public ParametersLiteral Parameters => Context.Literal;

    /// <summary>The validated parameters (at least 128-bit security).</summary>
    public Parameters Context { get; }

    /// <summary>The relinearization and Galois keys, as the evaluator asks for them.</summary>
    public IEvaluationKeySet EvaluationKeys { get; }

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
