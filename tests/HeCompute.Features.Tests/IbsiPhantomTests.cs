namespace HeCompute.Features.Tests;

/// <summary>
/// The IBSI digital phantom (reconstructed from the reference manual's figure, see <see cref="TestData.IbsiPhantom"/>)
/// against the manual's consensus reference values, which it gives to three significant digits. The library is 2-D:
/// intensity and histogram features (which ignore spatial arrangement) are computed on the 74 ROI voxels laid out as
/// one 20 × 4 frame; GLCM features per slice, averaged over the 4 slices — IBSI's "2D, averaged" (BTW3) aggregation,
/// features per direction and slice averaged over both.
/// </summary>
public sealed class IbsiPhantomTests
{
    [Fact]
    public void Phantom_matches_the_manual_description()
    {
        (float[] pixels, bool[] mask) = TestData.PhantomMosaic();
        double[] values = [.. pixels.Where((_, i) => mask[i]).Select(v => (double)v)];
        Assert.Equal(74, values.Length);
        Assert.Equal([1.0, 3.0, 4.0, 6.0], values.Distinct().Order());
    }

    [Fact]
    public void Intensity_and_histogram_features_equal_IBSI_reference_values()
    {
        (float[] pixels, bool[] mask) = TestData.PhantomMosaic();
        // No discretisation needed: a fixed bin size of 1 from the minimum leaves the phantom unchanged.
        var options = new RadiomicsOptions { HistogramBinWidth = 1 };
        FirstOrderFeatures f = FirstOrderStatistics.Compute(pixels, 20, 4, RegionOfInterest.FromMask(mask, 20, 4), options);
        Reference("mean (Q4LE)", 2.15, f.Mean);
        Reference("variance (ECT3)", 3.05, f.Variance);
        Reference("skewness (KE2A)", 1.08, f.Skewness);
        Reference("kurtosis (IPH6)", -0.355, f.Kurtosis);
        Reference("median (Y12H)", 1, f.Median);
        Reference("minimum (1GSF)", 1, f.Minimum);
        Reference("P10 (QG58)", 1, f.Percentile10);
        Reference("P90 (8DWT)", 4, f.Percentile90);
        Reference("maximum (84IY)", 6, f.Maximum);
        Reference("IQR (SALO)", 3, f.InterquartileRange);
        Reference("range (2OJQ)", 5, f.Range);
        Reference("MAD (4FUA)", 1.55, f.MeanAbsoluteDeviation);
        Reference("robust MAD (1128)", 1.11, f.RobustMeanAbsoluteDeviation);
        Reference("energy (N8CA)", 567, f.Energy);
        Reference("RMS (5ZWQ)", 2.77, f.RootMeanSquare);
        Reference("entropy (TLU2)", 1.27, f.Entropy);
        Reference("uniformity (BJ5W)", 0.512, f.Uniformity);
    }

    [Fact]
    public void Glcm_2d_averaged_features_equal_IBSI_reference_values()
    {
        // Fixed bin number 6 over each slice's range [1, 6] leaves the grey levels unchanged (IBSI's note).
        var options = new RadiomicsOptions { GlcmGreyLevels = 6, GlcmDistance = 1 };
        var slices = new List<GlcmFeatures>();
        for (int z = 0; z < 4; z++)
        {
            (float[] pixels, bool[] mask) = TestData.PhantomSlice(z);
            GlcmFeatures g = GlcmTexture.Compute(pixels, 5, 4, RegionOfInterest.FromMask(mask, 5, 4), options);
            Assert.Equal(4, g.Directions.Count); // each slice has pairs in every direction: equal weights
            slices.Add(g);
        }

        Reference("joint energy (8ZQL)", 0.368, slices.Average(s => s.JointEnergy));
        Reference("contrast (ACUI)", 5.28, slices.Average(s => s.Contrast));
        Reference("correlation (NI2N)", -0.0121, slices.Average(s => s.Correlation));
        Reference("inverse difference (IB1Z)", 0.678, slices.Average(s => s.InverseDifference));
        Reference("inverse difference moment (WF0Z)", 0.619, slices.Average(s => s.InverseDifferenceMoment));
        Reference("joint entropy (TU9B)", 2.05, slices.Average(s => s.JointEntropy));
    }

    /// <summary>The value rounds to the reference's three significant digits.</summary>
    private static void Reference(string what, double reference, double actual)
    {
        double unit = reference == 0 ? 1e-3 : Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(reference))) - 2);
        Assert.True(Math.Abs(actual - reference) <= 0.5 * unit + 1e-12,
            $"{what}: {actual} does not round to the IBSI reference value {reference}");
    }
}
