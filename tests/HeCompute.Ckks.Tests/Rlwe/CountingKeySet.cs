using System.Diagnostics.CodeAnalysis;

namespace HeCompute.Lattice.Tests.Rlwe;

/// <summary>
/// An <see cref="IEvaluationKeySet"/> that is not the engine's own: it forwards to inner keys, records every lookup
/// (one per key switch the evaluator starts) and can cancel a token after a given number of lookups.
/// </summary>
internal sealed class CountingKeySet(IEvaluationKeySet inner, CancellationTokenSource? cancelAfter = null, int afterLookups = int.MaxValue) : IEvaluationKeySet
{
    public List<uint> GaloisLookups { get; } = [];

    public int RelinearizationLookups { get; private set; }

    public SwitchingKey? RelinearizationKey
    {
        get
        {
            RelinearizationLookups++;
            CountAndMaybeCancel();
            return inner.RelinearizationKey;
        }
    }

    public bool TryGetGaloisKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key)
    {
        GaloisLookups.Add(galoisElement);
        CountAndMaybeCancel();
        return inner.TryGetGaloisKey(galoisElement, out key);
    }

    private void CountAndMaybeCancel()
    {
        if (GaloisLookups.Count + RelinearizationLookups >= afterLookups)
        {
            cancelAfter?.Cancel();
        }
    }
}
