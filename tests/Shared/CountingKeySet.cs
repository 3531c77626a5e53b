using System.Diagnostics.CodeAnalysis;
using HeCompute.Lattice.Rlwe;

// Linked as source into the engine and analytics tests, so the engine tests need no test library that references the server.
namespace HeCompute.Lattice.Testing;

/// <summary>
/// An <see cref="IEvaluationKeySet"/> that is not the engine's own: it forwards to inner keys, records every lookup
/// (one per key switch the evaluator starts) and can cancel a token once a given number of lookups is reached.
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
