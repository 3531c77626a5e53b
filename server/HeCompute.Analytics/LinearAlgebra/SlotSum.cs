using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// The sum of all slots, in every slot: log2(slots) rotations by 1, 2, 4, …, slots/2 with an addition after each.
/// No level is consumed and the scale is unchanged.
/// </summary>
public static class SlotSum
{
    /// <summary>The rotation steps <see cref="Apply"/> uses: 1, 2, 4, …, slots/2.</summary>
    public static IReadOnlyList<int> RequiredSteps(int slotCount) =>
        RotationSteps.Canonical(RotateAndSum.Doubling(1, slotCount), slotCount);

    /// <summary>Every slot ← Σ_i x[i].</summary>
    public static Ciphertext Apply(EvaluationContext context, Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(context);
        CiphertextOps.CheckInput(context, ciphertext, 0, nameof(ciphertext));
        return RotateAndSum.Apply(context, ciphertext, RotateAndSum.Doubling(1, context.SlotCount));
    }
}
