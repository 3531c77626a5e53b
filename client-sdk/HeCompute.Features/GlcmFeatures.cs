namespace HeCompute.Features;

/// <summary>The four 2-D GLCM directions, as IBSI's direction vectors <c>m = (Δcolumn, Δrow)</c>.</summary>
public enum GlcmDirection
{
    /// <summary>0°: m = (1, 0), the next pixel in the same row.</summary>
    Degrees0 = 0,

    /// <summary>45°: m = (1, 1), one column right and one row on (equivalently, by symmetry, (−1, −1)).</summary>
    Degrees45 = 1,

    /// <summary>90°: m = (0, 1), the pixel in the next row.</summary>
    Degrees90 = 2,

    /// <summary>135°: m = (−1, 1), one column left and one row on (equivalently (1, −1)).</summary>
    Degrees135 = 3,
}

/// <summary>
/// Haralick/IBSI texture features of one normalised symmetric co-occurrence matrix <c>p</c> (<c>N_g × N_g</c>, grey
/// levels <c>i, j = 1 … N_g</c>), or their average over directions.
/// </summary>
public class GlcmTextureValues
{
    /// <summary>Joint energy, Haralick's angular second moment: Σᵢⱼ pᵢⱼ² [IBSI 8ZQL].</summary>
    public required double JointEnergy { get; init; }

    /// <summary>Contrast Σᵢⱼ (i − j)² pᵢⱼ [ACUI].</summary>
    public required double Contrast { get; init; }

    /// <summary>
    /// Correlation Σᵢⱼ (i − μ)(j − μ) pᵢⱼ / σ², with μ = Σᵢ i pᵢ. and σ² = Σᵢ (i − μ)² pᵢ. of the marginal pᵢ. (equal
    /// for rows and columns as the matrix is symmetric) [NI2N]. When σ = 0 (a single grey level) it is undefined; this
    /// library reports 1 (a uniform region is perfectly predictable from its neighbours).
    /// </summary>
    public required double Correlation { get; init; }

    /// <summary>
    /// Homogeneity as IBSI's inverse difference (ID), Σᵢⱼ pᵢⱼ / (1 + |i − j|) [IB1Z] — not the normalised variant
    /// (IDN) and not the inverse difference moment, which is <see cref="InverseDifferenceMoment"/>.
    /// </summary>
    public required double InverseDifference { get; init; }

    /// <summary>Inverse difference moment, Haralick's homogeneity f5: Σᵢⱼ pᵢⱼ / (1 + (i − j)²) [WF0Z].</summary>
    public required double InverseDifferenceMoment { get; init; }

    /// <summary>Joint entropy −Σᵢⱼ pᵢⱼ log₂ pᵢⱼ over the non-zero entries, in bits [TU9B].</summary>
    public required double JointEntropy { get; init; }
}

/// <summary>The features of the co-occurrence matrix of one direction.</summary>
public sealed class GlcmDirectionValues : GlcmTextureValues
{
    /// <summary>The direction.</summary>
    public required GlcmDirection Direction { get; init; }

    /// <summary>Number of unordered neighbour pairs with both pixels in the region (the symmetric matrix sums to twice this).</summary>
    public required long PairCount { get; init; }
}

/// <summary>
/// GLCM texture of a region: the features of each direction's matrix and their mean over the directions that have at
/// least one pair (IBSI aggregation "2D, averaged", BTW3, for a single slice).
/// </summary>
public sealed class GlcmFeatures : GlcmTextureValues
{
    /// <summary>Number of grey levels <c>N_g</c> of the discretisation.</summary>
    public required int GreyLevels { get; init; }

    /// <summary>Neighbour distance δ.</summary>
    public required int Distance { get; init; }

    /// <summary>The per-direction features, for the directions with at least one pair, in <see cref="GlcmDirection"/> order.</summary>
    public required IReadOnlyList<GlcmDirectionValues> Directions { get; init; }
}
