using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// Sums the blocks of a vector cut into blocks of w consecutive slots (w a power of two): slot j receives
/// Σ_b x[b·w + (j mod w)], so every block ends up holding the slot-wise sum of all blocks. With one record per
/// block this is the per-feature total over the records. log2(slots/w) rotations by w, 2w, …, slots/2; no level,
/// scale unchanged.
/// </summary>
public static class CrossBlockSum
{
    /// <summary>The rotation steps <see cref="Apply"/> uses: w, 2w, 4w, …, slots/2 (none when w = slots).</summary>
    public static IReadOnlyList<int> RequiredSteps(int slotCount, int blockWidth)
    {
        RotationSteps.CheckWidth(blockWidth, slotCount, nameof(blockWidth));
        return RotationSteps.Canonical(RotateAndSum.Doubling(blockWidth, slotCount), slotCount);
    }

    /// <summary>Slot j ← Σ_b x[b·w + (j mod w)].</summary>
    public static Ciphertext Apply(EvaluationContext context, Ciphertext ciphertext, int blockWidth)
    {
        ArgumentNullException.ThrowIfNull(context);
        RotationSteps.CheckWidth(blockWidth, context.SlotCount, nameof(blockWidth));
        CiphertextOps.CheckInput(context, ciphertext, 0, nameof(ciphertext));
        return RotateAndSum.Apply(context, ciphertext, RotateAndSum.Doubling(blockWidth, context.SlotCount));
    }
}
