using System.Globalization;
using System.Numerics.Tensors;

namespace HeCompute.Features;

/// <summary>
/// Computes the radiomics feature vector of a frame's region of interest — 15 IBSI intensity-based statistics, the
/// intensity histogram's entropy and uniformity, and 6 GLCM texture features — as a <see cref="FeatureVector"/> whose
/// <see cref="Schema"/> depends only on the options, so a model can declare it in advance.
/// </summary>
/// <remarks>
/// Declared bounds: features that cannot leave a range whatever the image say so (variance ≥ 0, excess kurtosis ≥ −2,
/// uniformity ≤ 1, GLCM correlation in [−1, 1], GLCM contrast ≤ (N_g − 1)², …). With a finite
/// <see cref="RadiomicsOptions.Resegmentation"/> range [a, b] the intensity features are bounded too: mean, median,
/// minimum, maximum and percentiles in [a, b]; range and IQR ≤ b − a; mean absolute deviations ≤ (b − a)/2; variance
/// ≤ (b − a)²/4; root mean square ≤ max(|a|, |b|); histogram entropy ≤ log₂ of the number of bins [a, b] spans.
/// Skewness and energy have no bound independent of the region's size and declare none (energy ≥ 0).
/// </remarks>
public sealed class RadiomicsExtractor
{
    /// <summary>Name of the schema this extractor produces.</summary>
    public const string SchemaName = "hecompute.radiomics.2d";

    /// <summary>Version of the schema; bumped whenever a definition or the feature list changes.</summary>
    public const int SchemaVersion = 1;

    private readonly RadiomicsOptions _options;

    /// <summary>Creates an extractor; the options are validated.</summary>
    public RadiomicsExtractor(RadiomicsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Schema = BuildSchema(options);
    }

    /// <summary>The options.</summary>
    public RadiomicsOptions Options => _options;

    /// <summary>The schema of every vector this extractor produces.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Computes the feature vector of the region of a frame.</summary>
    /// <param name="pixels">The frame's modality values, row-major.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="roi">Region of interest.</param>
    /// <exception cref="FeatureExtractionException">Empty region, non-finite intensity, no GLCM pairs, …</exception>
    public FeatureVector Extract(ReadOnlySpan<float> pixels, int width, int height, RegionOfInterest roi) =>
        Compute(pixels, width, height, roi).Vector;

    /// <summary>Computes the feature vector of the region of a rank-2 tensor of shape [height, width].</summary>
    public FeatureVector Extract(Tensor<float> image, RegionOfInterest roi)
    {
        float[] pixels = ImageGeometry.FromTensor(image, out int width, out int height);
        return Extract(pixels, width, height, roi);
    }

    /// <summary>Computes the feature vector together with the detailed first-order and GLCM results.</summary>
    public RadiomicsResult Compute(ReadOnlySpan<float> pixels, int width, int height, RegionOfInterest roi)
    {
        RoiSample sample = RoiSample.Gather(pixels, width, height, roi, _options.Resegmentation);
        FirstOrderFeatures fo = FirstOrderStatistics.FromValues(sample.Values, _options.HistogramBinWidth, _options.FixedHistogramLowerBound);
        GlcmFeatures glcm = GlcmTexture.Compute(sample, _options.GlcmGreyLevels, _options.GlcmDistance);
        double[] values =
        [
            fo.Mean, fo.Variance, fo.Skewness, fo.Kurtosis, fo.Median, fo.Minimum, fo.Percentile10, fo.Percentile90,
            fo.Maximum, fo.InterquartileRange, fo.Range, fo.MeanAbsoluteDeviation, fo.RobustMeanAbsoluteDeviation,
            fo.Energy, fo.RootMeanSquare, fo.Entropy, fo.Uniformity,
            glcm.JointEnergy, glcm.Contrast, glcm.Correlation, glcm.InverseDifference, glcm.InverseDifferenceMoment,
            glcm.JointEntropy,
        ];
        BoundsFit.Apply(Schema, values);
        return new RadiomicsResult(new FeatureVector(Schema, values), fo, glcm);
    }

    /// <summary>The schema for the given options (what <see cref="Schema"/> returns).</summary>
    public static FeatureSchema BuildSchema(RadiomicsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string u = options.IntensityUnit;
        string u2 = u == "1" ? "1" : u + "^2";
        double? a = options.Resegmentation is { } r1 && double.IsFinite(r1.Lower) ? r1.Lower : null;
        double? b = options.Resegmentation is { } r2 && double.IsFinite(r2.Upper) ? r2.Upper : null;
        double? width = a is double a1 && b is double b1 ? b1 - a1 : null;
        double? rmsLower = a is > 0 ? a : b is < 0 ? -b : 0;
        double? rmsUpper = a is double a2 && b is double b2 ? Math.Max(Math.Abs(a2), Math.Abs(b2)) : null;
        double? lb = options.FixedHistogramLowerBound;
        double? maxBins = b is double b3 && lb is double l && b3 >= l ? Math.Floor((b3 - l) / options.HistogramBinWidth) + 1 : null;
        int ng = options.GlcmGreyLevels;

        const string Stat = "IBSI intensity-based statistics";
        var features = new List<FeatureDefinition>
        {
            new("first_order.mean", u, $"Mean intensity Σx/N [{Stat}, Q4LE].", a, b),
            new("first_order.variance", u2, $"Intensity variance Σ(x−μ)²/N, no bias correction [{Stat}, ECT3].", 0, width * width / 4),
            new("first_order.skewness", "1", $"Skewness m3/m2^1.5 of the central moments (1/N); 0 if the variance is 0 [{Stat}, KE2A]."),
            new("first_order.kurtosis", "1", $"Excess kurtosis m4/m2² − 3 of the central moments (1/N); 0 if the variance is 0 [{Stat}, IPH6].", -2, null),
            new("first_order.median", u, $"Median intensity [{Stat}, Y12H].", a, b),
            new("first_order.minimum", u, $"Minimum intensity [{Stat}, 1GSF].", a, b),
            new("first_order.p10", u, $"10th percentile, linear interpolation between order statistics (Hyndman–Fan 7, numpy default) [{Stat}, QG58].", a, b),
            new("first_order.p90", u, $"90th percentile, linear interpolation between order statistics (Hyndman–Fan 7, numpy default) [{Stat}, 8DWT].", a, b),
            new("first_order.maximum", u, $"Maximum intensity [{Stat}, 84IY].", a, b),
            new("first_order.interquartile_range", u, $"P75 − P25 (Hyndman–Fan 7) [{Stat}, SALO].", 0, width),
            new("first_order.range", u, $"Maximum − minimum [{Stat}, 2OJQ].", 0, width),
            new("first_order.mean_absolute_deviation", u, $"Σ|x−μ|/N [{Stat}, 4FUA].", 0, width / 2),
            new("first_order.robust_mean_absolute_deviation", u, $"Mean absolute deviation from their mean of the intensities in [P10, P90] [{Stat}, 1128].", 0, width / 2),
            new("first_order.energy", u2, $"Σx² over the region (grows with its size) [{Stat}, N8CA].", 0, null),
            new("first_order.root_mean_square", u, $"√(Σx²/N) [{Stat}, 5ZWQ].", rmsLower, rmsUpper),
            new("histogram.entropy", "bits", "Shannon entropy −Σ pᵢ log₂ pᵢ of the fixed-bin-width histogram, bin = ⌊(x − lower bound)/width⌋ + 1 [IBSI intensity histogram, TLU2].", 0, maxBins is double m1 ? Math.Log2(m1) : null),
            new("histogram.uniformity", "1", "Σ pᵢ² of the fixed-bin-width histogram [IBSI intensity histogram, BJ5W].", maxBins is double m2 ? 1 / m2 : 0, 1),
            new("glcm.joint_energy", "1", "Angular second moment Σ pᵢⱼ² of the symmetric GLCM, averaged over the 4 directions [IBSI 8ZQL].", 1.0 / ((double)ng * ng), 1),
            new("glcm.contrast", "1", "Σ (i−j)² pᵢⱼ in grey-level steps², averaged over the 4 directions [IBSI ACUI].", 0, (double)(ng - 1) * (ng - 1)),
            new("glcm.correlation", "1", "Σ (i−μ)(j−μ) pᵢⱼ / σ² (1 when σ = 0), averaged over the 4 directions [IBSI NI2N].", -1, 1),
            new("glcm.inverse_difference", "1", "Homogeneity as inverse difference Σ pᵢⱼ/(1+|i−j|), averaged over the 4 directions [IBSI IB1Z].", 1.0 / ng, 1),
            new("glcm.inverse_difference_moment", "1", "Haralick homogeneity Σ pᵢⱼ/(1+(i−j)²), averaged over the 4 directions [IBSI WF0Z].", 1.0 / (1.0 + (double)(ng - 1) * (ng - 1)), 1),
            new("glcm.joint_entropy", "bits", "−Σ pᵢⱼ log₂ pᵢⱼ, averaged over the 4 directions [IBSI TU9B].", 0, 2 * Math.Log2(ng)),
        };

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["intensity.unit"] = u,
            ["resegmentation"] = options.Resegmentation?.ToString() ?? "none",
            ["percentile.definition"] = "hyndman-fan-7",
            ["histogram.discretisation"] = "ibsi-fixed-bin-size",
            ["histogram.bin_width"] = SchemaText.Number(options.HistogramBinWidth),
            ["histogram.lower_bound"] = lb is double lbv ? SchemaText.Number(lbv) : "roi-minimum",
            ["glcm.discretisation"] = "ibsi-fixed-bin-number",
            ["glcm.grey_levels"] = ng.ToString(CultureInfo.InvariantCulture),
            ["glcm.distance"] = options.GlcmDistance.ToString(CultureInfo.InvariantCulture),
            ["glcm.aggregation"] = "ibsi-2d-averaged-btw3",
        };

        return new FeatureSchema(SchemaName, SchemaVersion, features, parameters);
    }
}

/// <summary>A radiomics feature vector with the detailed results it was assembled from.</summary>
/// <param name="Vector">The feature vector.</param>
/// <param name="FirstOrder">First-order statistics and histogram features.</param>
/// <param name="Glcm">GLCM features, including each direction's.</param>
public sealed record RadiomicsResult(FeatureVector Vector, FirstOrderFeatures FirstOrder, GlcmFeatures Glcm);

/// <summary>Moves values that rounding put just outside their declared bounds back onto the bound.</summary>
internal static class BoundsFit
{
    /// <summary>Relative distance past a bound still attributed to rounding.</summary>
    private const double Slack = 1e-9;

    public static void Apply(FeatureSchema schema, Span<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            FeatureDefinition f = schema.Features[i];
            double v = values[i];
            if (f.LowerBound is double lo && v < lo)
            {
                values[i] = lo - v <= Slack * Math.Max(1, Math.Abs(lo)) ? lo : throw OutOfBounds(f, v);
            }
            else if (f.UpperBound is double hi && v > hi)
            {
                values[i] = v - hi <= Slack * Math.Max(1, Math.Abs(hi)) ? hi : throw OutOfBounds(f, v);
            }
        }
    }

    private static InvalidOperationException OutOfBounds(FeatureDefinition f, double v) =>
        new($"Internal error: feature '{f.Name}' = {v.ToString("R", CultureInfo.InvariantCulture)} lies outside its declared bounds {f.BoundsText}.");
}
