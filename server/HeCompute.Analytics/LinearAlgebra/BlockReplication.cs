using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// Copies the first block (slots 0 … w−1, w a power of two) into every block: slot j receives x[j mod w]. The slots
/// outside the first block must be zero, or be zeroed first with <c>maskFirst</c> (one level, scale unchanged exactly).
/// Uses the same rotations as <see cref="CrossBlockSum"/> (w, 2w, …, slots/2), so the two share Galois keys.
/// </summary>
public static class BlockReplication
{
    /// <summary>The rotation steps <see cref="Apply"/> uses: w, 2w, 4w, …, slots/2.</summary>
    public static IReadOnlyList<int> RequiredSteps(int slotCount, int blockWidth) => CrossBlockSum.RequiredSteps(slotCount, blockWidth);

    /// <summary>Slot j ← x[j mod w]; with <paramref name="maskFirst"/>, the slots from w on are zeroed first.</summary>
    public static Ciphertext Apply(EvaluationContext context, Ciphertext ciphertext, int blockWidth, bool maskFirst)
    {
        ArgumentNullException.ThrowIfNull(context);
        RotationSteps.CheckWidth(blockWidth, context.SlotCount, nameof(blockWidth));
        var input = maskFirst ? SlotMask.KeepRange(context, ciphertext, 0, blockWidth) : ciphertext;
        return CrossBlockSum.Apply(context, input, blockWidth);
    }

    /// <summary>The shape <see cref="Apply"/> produces.</summary>
    public static CiphertextShape Simulate(CiphertextShape input, bool maskFirst) => maskFirst ? SlotMask.Simulate(input) : input;
}
