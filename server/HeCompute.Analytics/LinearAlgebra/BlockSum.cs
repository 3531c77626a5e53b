using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// Sums the slots inside each block of w consecutive slots (w a power of two): block b's sum Σ_t x[b·w + t] lands
/// where <see cref="BlockSumLayout"/> says. log2(w) rotations by 1, 2, …, w/2 bring each block's sum to its first
/// slot; the masked layouts then keep only those slots (one level, scale unchanged exactly) and
/// <see cref="BlockSumLayout.Replicated"/> spreads each sum back over its block with rotations by −1, −2, …, −w/2.
/// </summary>
public static class BlockSum
{
    /// <summary>The rotation steps <see cref="Apply"/> uses for this width and layout.</summary>
    public static IReadOnlyList<int> RequiredSteps(int slotCount, int blockWidth, BlockSumLayout layout)
    {
        RotationSteps.CheckWidth(blockWidth, slotCount, nameof(blockWidth));
        var steps = RotateAndSum.Doubling(1, blockWidth);
        if (layout == BlockSumLayout.Replicated && blockWidth < slotCount)
        {
            steps = steps.Concat(RotateAndSum.Doubling(1, blockWidth, sign: -1));
        }

        return RotationSteps.Canonical(steps, slotCount);
    }

    /// <summary>Levels <see cref="Apply"/> consumes: 1 for the masked layouts (0 when w = slots), else 0.</summary>
    public static int Depth(int slotCount, int blockWidth, BlockSumLayout layout) =>
        layout == BlockSumLayout.FirstSlot || blockWidth == slotCount ? 0 : 1;

    /// <summary>Sums each block; see <see cref="BlockSumLayout"/> for where the sums land.</summary>
    public static Ciphertext Apply(EvaluationContext context, Ciphertext ciphertext, int blockWidth, BlockSumLayout layout)
    {
        ArgumentNullException.ThrowIfNull(context);
        RotationSteps.CheckWidth(blockWidth, context.SlotCount, nameof(blockWidth));
        var depth = Depth(context.SlotCount, blockWidth, layout);
        CiphertextOps.CheckInput(context, ciphertext, depth, nameof(ciphertext));
        var sums = RotateAndSum.Apply(context, ciphertext, RotateAndSum.Doubling(1, blockWidth));
        if (depth == 0)
        {
            return sums;
        }

        var heads = SlotMask.KeepInBlocks(context, sums, blockWidth, 0, 1);
        return layout == BlockSumLayout.Replicated
            ? RotateAndSum.Apply(context, heads, RotateAndSum.Doubling(1, blockWidth, sign: -1))
            : heads;
    }

    /// <summary>The shape <see cref="Apply"/> produces.</summary>
    public static CiphertextShape Simulate(int slotCount, int blockWidth, BlockSumLayout layout, CiphertextShape input) =>
        Depth(slotCount, blockWidth, layout) == 0 ? input : SlotMask.Simulate(input);
}
