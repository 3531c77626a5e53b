namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>Where <see cref="BlockSum"/> (and <see cref="InnerProduct"/>) leave each block's sum.</summary>
public enum BlockSumLayout
{
    /// <summary>
    /// In the block's first slot; the other slots hold partial sums that mix neighbouring blocks (mask them before
    /// returning the ciphertext). No level, rotations by 1, 2, …, w/2.
    /// </summary>
    FirstSlot,

    /// <summary>In the block's first slot, every other slot zero. One level (a mask), rotations by 1, 2, …, w/2.</summary>
    FirstSlotMasked,

    /// <summary>
    /// In every slot of the block. One level (a mask), rotations by 1, 2, …, w/2 and by −1, −2, …, −w/2. When the block
    /// is the whole vector (w = slots) the sum is everywhere already: no mask, no level, no negative steps.
    /// </summary>
    Replicated,
}
