namespace HeCompute.Features;

/// <summary>
/// IBSI intensity-based statistical features (section "Intensity-based statistical features", IBSI codes in brackets)
/// and the two intensity-histogram features, for the <c>N</c> intensities <c>X</c> of a region of interest. Moments
/// use <c>1/N</c> (no bias correction), as IBSI prescribes.
/// </summary>
public sealed class FirstOrderFeatures
{
    /// <summary>Number of pixels <c>N</c> in the (re-segmented) region.</summary>
    public required int PixelCount { get; init; }

    /// <summary>Mean μ = Σx/N [Q4LE].</summary>
    public required double Mean { get; init; }

    /// <summary>Variance Σ(x−μ)²/N, not bias-corrected [ECT3].</summary>
    public required double Variance { get; init; }

    /// <summary>Skewness (Σ(x−μ)³/N) / (Σ(x−μ)²/N)^(3/2); 0 when the variance is 0 [KE2A].</summary>
    public required double Skewness { get; init; }

    /// <summary>Excess kurtosis (Σ(x−μ)⁴/N) / (Σ(x−μ)²/N)² − 3; 0 when the variance is 0 [IPH6].</summary>
    public required double Kurtosis { get; init; }

    /// <summary>Median, the 50th percentile [Y12H].</summary>
    public required double Median { get; init; }

    /// <summary>Minimum [1GSF].</summary>
    public required double Minimum { get; init; }

    /// <summary>10th percentile (Hyndman–Fan definition 7, see <see cref="FirstOrderStatistics"/>) [QG58].</summary>
    public required double Percentile10 { get; init; }

    /// <summary>90th percentile (Hyndman–Fan definition 7) [8DWT].</summary>
    public required double Percentile90 { get; init; }

    /// <summary>Maximum [84IY].</summary>
    public required double Maximum { get; init; }

    /// <summary>Interquartile range P75 − P25 [SALO].</summary>
    public required double InterquartileRange { get; init; }

    /// <summary>Range max − min [2OJQ].</summary>
    public required double Range { get; init; }

    /// <summary>Mean absolute deviation Σ|x−μ|/N [4FUA].</summary>
    public required double MeanAbsoluteDeviation { get; init; }

    /// <summary>
    /// Robust mean absolute deviation: the mean absolute deviation from their own mean of the values with
    /// P10 ≤ x ≤ P90 [1128]; 0 if no value lies in that interval (possible only for tiny regions).
    /// </summary>
    public required double RobustMeanAbsoluteDeviation { get; init; }

    /// <summary>Energy Σx² [N8CA].</summary>
    public required double Energy { get; init; }

    /// <summary>Root mean square √(Σx²/N) [5ZWQ].</summary>
    public required double RootMeanSquare { get; init; }

    /// <summary>
    /// Shannon entropy −Σ pᵢ log₂ pᵢ of the fixed-bin-width histogram, in bits [TLU2]; pᵢ = nᵢ/N over the occupied
    /// bins.
    /// </summary>
    public required double Entropy { get; init; }

    /// <summary>Uniformity Σ pᵢ² of the fixed-bin-width histogram [BJ5W].</summary>
    public required double Uniformity { get; init; }

    /// <summary>The histogram's lower bound <c>X_min</c> that was used (given, or the region's minimum).</summary>
    public required double HistogramLowerBound { get; init; }

    /// <summary>The histogram's bin width <c>w</c>.</summary>
    public required double HistogramBinWidth { get; init; }

    /// <summary>Number of occupied histogram bins.</summary>
    public required int HistogramOccupiedBins { get; init; }
}
