using System.Diagnostics.CodeAnalysis;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Relinearization keys, SEAL's <c>RelinKeys</c> wire object: entry 0 switches s² to s. On its own it is an evaluation
/// key set with no Galois keys.
/// </summary>
public sealed class RelinKeys : KSwitchKeys, IEvaluationKeySet
{
    /// <summary>Creates empty keys.</summary>
    public RelinKeys()
    {
    }

    /// <summary>Copies keys.</summary>
    public RelinKeys(RelinKeys copy) : base(copy)
    {
    }

    /// <summary>The key for s² (the only power CKKS relinearization uses), or null if absent.</summary>
    public SwitchingKey? SquareKey => EntryCount > 0 && Entry(0).PartCount > 0 ? Entry(0) : null;

    /// <inheritdoc/>
    SwitchingKey? IEvaluationKeySet.RelinearizationKey => SquareKey;

    /// <inheritdoc/>
    bool IEvaluationKeySet.TryGetGaloisKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key)
    {
        key = null;
        return false;
    }
}
