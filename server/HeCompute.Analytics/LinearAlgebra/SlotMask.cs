using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// Zeroes slots: multiplies by a 0/1 plaintext encoded at q_ℓ, so after the rescale the scale is exactly the input's.
/// One level, no rotations. Used to keep only meaningful slots (nothing intermediate leaks into returned
/// ciphertexts) and to isolate slots before replicating them.
/// </summary>
public static class SlotMask
{
    /// <summary>Rotation steps used: none.</summary>
    public static IReadOnlyList<int> RequiredSteps() => [];

    /// <summary>Keeps the slots where <paramref name="keep"/> is true (missing entries are false) and zeroes the rest.</summary>
    public static Ciphertext Apply(EvaluationContext context, Ciphertext ciphertext, IReadOnlyList<bool> keep)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keep);
        var values = new double[Math.Min(keep.Count, context.SlotCount)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = keep[i] ? 1.0 : 0.0;
        }

        return ElementwiseProduct.WithPlain(context, ciphertext, values);
    }

    /// <summary>Keeps the slots [<paramref name="start"/>, start + count) and zeroes the rest.</summary>
    public static Ciphertext KeepRange(EvaluationContext context, Ciphertext ciphertext, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Apply(context, ciphertext, RangeMask(context.SlotCount, start, count, period: context.SlotCount));
    }

    /// <summary>
    /// Keeps, in every block of <paramref name="blockWidth"/> slots, the slots at offsets [start, start + count) and
    /// zeroes the rest (for example the first slot of every block: start 0, count 1).
    /// </summary>
    public static Ciphertext KeepInBlocks(EvaluationContext context, Ciphertext ciphertext, int blockWidth, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        RotationSteps.CheckWidth(blockWidth, context.SlotCount, nameof(blockWidth));
        return Apply(context, ciphertext, RangeMask(context.SlotCount, start, count, blockWidth));
    }

    /// <summary>The shape the mask produces: one level down, same scale.</summary>
    public static CiphertextShape Simulate(CiphertextShape input) => ElementwiseProduct.SimulateWithPlain(input);

    internal static bool[] RangeMask(int slotCount, int start, int count, int period)
    {
        if (start < 0 || count <= 0 || start + count > period)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"The range [{start}, {start + count}) must be non-empty and inside [0, {period}).");
        }

        var keep = new bool[slotCount];
        for (var i = 0; i < slotCount; i++)
        {
            var offset = i % period;
            keep[i] = offset >= start && offset < start + count;
        }

        return keep;
    }
}
