namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>How a vector of length n ≤ d sits in the slots for a <see cref="DiagonalMatrix"/> of dimension d.</summary>
public enum VectorPacking
{
    /// <summary>
    /// x[i] in slot i for i &lt; n, every other slot zero. The product rotates the input once by −d to bring a copy of
    /// it to slots [d, 2d) (no level), so the wrap-around of the diagonal method reads the right values. The output is
    /// compact too: y[i] in slot i for i &lt; rows, zero elsewhere (up to CKKS noise), so compact products chain.
    /// With a <see cref="MatrixVectorLayout.BlockStride"/> below the slot count, each block of that many slots holds
    /// one vector this way (block b starts at slot b·stride) and the product treats every block alike.
    /// </summary>
    Compact,

    /// <summary>
    /// Slot s holds x[s mod d] (zero when s mod d ≥ n): the vector repeated slots/d times. No extra rotation; the
    /// output is replicated the same way (slot s holds y[s mod d]), so layers of the same dimension d chain.
    /// </summary>
    Replicated,

    /// <summary>
    /// As <see cref="Compact"/>, but the input already holds its copy in slots [d, 2d) of each block (written by the
    /// client), so the product needs no rotation by −d. The output is <see cref="Compact"/> (no copy).
    /// </summary>
    CompactWithCopy,
}
