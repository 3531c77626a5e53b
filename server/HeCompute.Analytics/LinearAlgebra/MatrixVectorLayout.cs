using System.Numerics;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// The shape of a plaintext-matrix × encrypted-vector product by the diagonal method (Halevi–Shoup) with baby-step
/// giant-step: a rows × columns matrix is zero-padded to d × d (d a power of two, max(rows, columns) ≤ d ≤ slots),
/// its d generalized diagonals u_k[i] = M[i][(i + k) mod d] are split as k = i·g + j into g baby steps and ⌈d/g⌉ giant
/// steps, and the vector is packed as <see cref="Packing"/> says.
/// </summary>
public sealed record MatrixVectorLayout
{
    private MatrixVectorLayout(int rows, int columns, int dimension, int babySteps, VectorPacking packing, int slotCount, int blockStride)
    {
        BlockStride = blockStride;
        Rows = rows;
        Columns = columns;
        Dimension = dimension;
        BabySteps = babySteps;
        Packing = packing;
        SlotCount = slotCount;
    }

    /// <summary>Rows of the matrix (length of the output vector).</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix (length of the input vector).</summary>
    public int Columns { get; }

    /// <summary>d: the padded square dimension, a power of two.</summary>
    public int Dimension { get; }

    /// <summary>g: the number of baby steps (rotations 0 … g−1 of the input, computed with one hoisted decomposition).</summary>
    public int BabySteps { get; }

    /// <summary>⌈d/g⌉: the number of giant steps (rotations by multiples of g of the partial sums).</summary>
    public int GiantSteps => (Dimension + BabySteps - 1) / BabySteps;

    /// <summary>How input and output vectors sit in the slots.</summary>
    public VectorPacking Packing { get; }

    /// <summary>Slots per ciphertext (N/2).</summary>
    public int SlotCount { get; }

    /// <summary>
    /// Slots between the starts of consecutive vectors for the compact packings (the slot count: one vector); every
    /// block of this many slots is multiplied alike. The slot count for <see cref="VectorPacking.Replicated"/>.
    /// </summary>
    public int BlockStride { get; }

    /// <summary>
    /// A layout for a rows × columns matrix. <paramref name="dimension"/> defaults to the smallest power of two ≥
    /// max(rows, columns) (give a larger one to chain replicated layers of different sizes);
    /// <paramref name="babySteps"/> defaults to 2^⌈log2(d)/2⌉, about √d, leaning to more baby steps since they are
    /// the cheap hoisted ones. <paramref name="blockStride"/> (compact packings only) batches vectors: a power of two
    /// ≥ 2d dividing the slot count, so that every rotation of the product stays inside its block.
    /// </summary>
    public static MatrixVectorLayout Create(int rows, int columns, int slotCount, VectorPacking packing = VectorPacking.Compact, int? dimension = null, int? babySteps = null, int? blockStride = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (slotCount <= 0 || !BitOperations.IsPow2(slotCount))
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count is a power of two.");
        }

        var d = dimension ?? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(rows, columns));
        if (!BitOperations.IsPow2(d) || d < Math.Max(rows, columns) || d > slotCount)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), d, $"The dimension must be a power of two from max(rows, columns) = {Math.Max(rows, columns)} to the slot count {slotCount}.");
        }

        var g = babySteps ?? 1 << ((BitOperations.Log2((uint)d) + 1) / 2);
        if (!BitOperations.IsPow2(g) || g > d)
        {
            throw new ArgumentOutOfRangeException(nameof(babySteps), g, $"The number of baby steps must be a power of two from 1 to d = {d}.");
        }

        var stride = blockStride ?? slotCount;
        if (stride != slotCount && (packing == VectorPacking.Replicated || !BitOperations.IsPow2(stride) || stride < 2 * d || stride > slotCount))
        {
            throw new ArgumentOutOfRangeException(nameof(blockStride), stride, $"A block stride is for the compact packings: a power of two from 2d = {2 * d} to the slot count {slotCount}.");
        }

        if (packing == VectorPacking.CompactWithCopy && 2 * d > stride)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), d, $"The packing with a copy needs 2d = {2 * d} slots per block; a block has {stride}.");
        }

        return new MatrixVectorLayout(rows, columns, d, g, packing, slotCount, stride);
    }

    /// <summary>Whether the compact packing needs the extra rotation by −d (it does unless d = slots).</summary>
    internal bool NeedsWrapCopy => Packing == VectorPacking.Compact && Dimension < SlotCount;
}
