using System.Diagnostics.CodeAnalysis;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// The evaluation keys a computation may use (Lattigo's <c>EvaluationKeySet</c>): the evaluator and the analytics
/// ask only this, so a host can back it with keys in memory, a lazy per-element store or a cache.
/// </summary>
public interface IEvaluationKeySet
{
    /// <summary>The key for a Galois element, if this set has one.</summary>
    /// <param name="galoisElement">The element (see <see cref="GaloisElements.FromStep"/>).</param>
    /// <param name="key">The key, when found.</param>
    /// <returns>Whether the key exists.</returns>
    bool TryGetGaloisKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key);

    /// <summary>The relinearization key (s² → s), or null if this set has none.</summary>
    SwitchingKey? RelinearizationKey { get; }
}

/// <summary>Evaluation keys held in memory: SEAL's <see cref="RelinKeys"/> and <see cref="GaloisKeys"/> objects.</summary>
/// <param name="relinKeys">Relinearization keys, or null.</param>
/// <param name="galoisKeys">Galois keys, or null.</param>
public sealed class EvaluationKeySet(RelinKeys? relinKeys, GaloisKeys? galoisKeys) : IEvaluationKeySet
{
    /// <summary>The relinearization keys given (null if none).</summary>
    public RelinKeys? RelinKeys { get; } = relinKeys;

    /// <summary>The Galois keys given (null if none).</summary>
    public GaloisKeys? GaloisKeys { get; } = galoisKeys;

    /// <inheritdoc/>
    public SwitchingKey? RelinearizationKey => RelinKeys?.SquareKey;

    /// <inheritdoc/>
    public bool TryGetGaloisKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key)
    {
        key = null;
        return GaloisKeys is not null && GaloisKeys.TryGetKey(galoisElement, out key);
    }
}
