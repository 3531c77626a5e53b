using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// Inner products of encrypted vectors packed one per block of w slots (w a power of two; w = slots for a single
/// vector) with a plaintext vector or with another encrypted vector: a slot-wise product followed by a
/// <see cref="BlockSum"/>. Block b's result ⟨x_b, v⟩ lands where <see cref="BlockSumLayout"/> says; with w = slots it
/// is in every slot.
/// </summary>
/// <remarks>
/// Levels: one for the product plus <see cref="BlockSum.Depth"/>. Scale: the plaintext product keeps the input scale
/// exactly; the encrypted product gives s_a·s_b/q_ℓ.
/// </remarks>
public static class InnerProduct
{
    /// <summary>The rotation steps both products use: <see cref="BlockSum.RequiredSteps"/>.</summary>
    public static IReadOnlyList<int> RequiredSteps(int slotCount, int blockWidth, BlockSumLayout layout) =>
        BlockSum.RequiredSteps(slotCount, blockWidth, layout);

    /// <summary>Levels consumed: 1 + <see cref="BlockSum.Depth"/>.</summary>
    public static int Depth(int slotCount, int blockWidth, BlockSumLayout layout) => 1 + BlockSum.Depth(slotCount, blockWidth, layout);

    /// <summary>⟨x_b, weights⟩ for every block b; the weights (at most w of them) are applied to every block.</summary>
    public static Ciphertext WithPlain(EvaluationContext context, Ciphertext ciphertext, ReadOnlySpan<double> weights, int blockWidth, BlockSumLayout layout)
    {
        ArgumentNullException.ThrowIfNull(context);
        RotationSteps.CheckWidth(blockWidth, context.SlotCount, nameof(blockWidth));
        if (weights.Length > blockWidth)
        {
            throw new ArgumentException($"{weights.Length} weights do not fit in blocks of {blockWidth} slots.", nameof(weights));
        }

        CiphertextOps.CheckInput(context, ciphertext, Depth(context.SlotCount, blockWidth, layout), nameof(ciphertext));
        var replicated = new double[context.SlotCount];
        for (var block = 0; block < context.SlotCount; block += blockWidth)
        {
            weights.CopyTo(replicated.AsSpan(block, weights.Length));
        }

        var products = ElementwiseProduct.WithPlain(context, ciphertext, replicated);
        return BlockSum.Apply(context, products, blockWidth, layout);
    }

    /// <summary>⟨a_b, b_b⟩ for every block b of two encrypted vectors with the same packing.</summary>
    public static Ciphertext WithCiphertext(EvaluationContext context, Ciphertext a, Ciphertext b, int blockWidth, BlockSumLayout layout)
    {
        ArgumentNullException.ThrowIfNull(context);
        RotationSteps.CheckWidth(blockWidth, context.SlotCount, nameof(blockWidth));
        var products = ElementwiseProduct.Multiply(context, a, b);
        return BlockSum.Apply(context, products, blockWidth, layout);
    }

    /// <summary>The shape <see cref="WithPlain"/> produces.</summary>
    public static CiphertextShape SimulateWithPlain(int slotCount, int blockWidth, BlockSumLayout layout, CiphertextShape input) =>
        BlockSum.Simulate(slotCount, blockWidth, layout, ElementwiseProduct.SimulateWithPlain(input));
}
