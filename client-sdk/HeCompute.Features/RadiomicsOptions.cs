namespace HeCompute.Features;

/// <summary>
/// Settings of the radiomics feature vector (first-order statistics, intensity histogram, GLCM texture). Every setting
/// that changes a value is recorded in the <see cref="FeatureSchema.Parameters"/> of the schema, so two vectors are only
/// compatible when they were computed the same way.
/// </summary>
public sealed record RadiomicsOptions
{
    /// <summary>
    /// Unit of the input intensities, e.g. <c>"HU"</c> for CT modality values after the rescale; <c>"1"</c> for
    /// dimensionless values. Feature units derive from it (<c>"HU^2"</c> for the variance and energy).
    /// </summary>
    public string IntensityUnit { get; init; } = "1";

    /// <summary>
    /// Optional IBSI range re-segmentation: region pixels outside this range are dropped before any feature is
    /// computed. When finite it also gives most features declared bounds (see <see cref="RadiomicsExtractor.Schema"/>).
    /// </summary>
    public IntensityRange? Resegmentation { get; init; }

    /// <summary>Bin width <c>w</c> of the fixed-bin-width intensity histogram (entropy, uniformity), in intensity units; &gt; 0.</summary>
    public double HistogramBinWidth { get; init; } = 25;

    /// <summary>
    /// Lower bound <c>X_min</c> of the fixed-bin-width histogram: bin = ⌊(x − X_min)/w⌋ + 1. When null IBSI's rule
    /// applies: the lower end of <see cref="Resegmentation"/> if it is finite, otherwise the region's minimum. A region
    /// intensity below an explicit bound is an error.
    /// </summary>
    public double? HistogramLowerBound { get; init; }

    /// <summary>Number of grey levels <c>N_g</c> of the fixed-bin-number discretisation used for the GLCM (1 … 1024).</summary>
    public int GlcmGreyLevels { get; init; } = 32;

    /// <summary>GLCM neighbour distance δ in pixels (Chebyshev), at least 1.</summary>
    public int GlcmDistance { get; init; } = 1;

    /// <summary>Largest accepted <see cref="GlcmGreyLevels"/>.</summary>
    public const int MaxGlcmGreyLevels = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> for an invalid setting.</summary>
    public void Validate()
    {
        SchemaText.ValidateText(IntensityUnit, nameof(IntensityUnit));
        if (!(HistogramBinWidth > 0) || !double.IsFinite(HistogramBinWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(HistogramBinWidth), HistogramBinWidth, "The histogram bin width must be finite and > 0.");
        }

        if (HistogramLowerBound is double lb && !double.IsFinite(lb))
        {
            throw new ArgumentOutOfRangeException(nameof(HistogramLowerBound), lb, "The histogram lower bound must be finite.");
        }

        if (GlcmGreyLevels < 1 || GlcmGreyLevels > MaxGlcmGreyLevels)
        {
            throw new ArgumentOutOfRangeException(nameof(GlcmGreyLevels), GlcmGreyLevels, $"The GLCM grey levels must be 1 … {MaxGlcmGreyLevels}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(GlcmDistance, 1, nameof(GlcmDistance));
    }

    /// <summary>
    /// The histogram lower bound fixed by the settings (explicit, or the finite lower end of the re-segmentation
    /// range), or null when it is the region's minimum.
    /// </summary>
    internal double? FixedHistogramLowerBound =>
        HistogramLowerBound ?? (Resegmentation is { } r && double.IsFinite(r.Lower) ? r.Lower : null);
}
