using System.Globalization;
using Xunit.Abstractions;

namespace HeCompute.Features.Tests.Oracle;

/// <summary>Every feature against the independent numpy computation (feature_oracle.py), within 1e-9 relative.</summary>
public sealed class OracleTests(ITestOutputHelper output)
{
    public static TheoryData<string> RadiomicsIds() => [.. NumpyOracle.RadiomicsCases.Select(c => c.Id)];

    public static TheoryData<string> DownsampleIds() => [.. NumpyOracle.DownsampleCases.Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(RadiomicsIds))]
    public void Radiomics_features_equal_numpy(string id)
    {
        RadiomicsCase c = NumpyOracle.RadiomicsCases.Single(x => x.Id == id);
        IReadOnlyDictionary<string, double> expected = NumpyOracle.Results(id);
        var extractor = new RadiomicsExtractor(c.Options);
        RadiomicsResult result = extractor.Compute(c.Pixels, c.Width, c.Height, c.Roi);
        FeatureVector v = result.Vector;

        Assert.Equal(expected["count"], result.FirstOrder.PixelCount);
        double s = expected["scale"];
        double worst = 0;
        foreach (FeatureDefinition f in v.Schema.Features)
        {
            double scale = f.Name switch
            {
                "first_order.energy" => expected["count"] * s * s,
                "first_order.variance" => s * s,
                "first_order.skewness" or "first_order.kurtosis" => 1,
                _ when f.Name.StartsWith("first_order.", StringComparison.Ordinal) => s,
                "glcm.contrast" => (double)c.Options.GlcmGreyLevels * c.Options.GlcmGreyLevels,
                _ => 1,
            };
            worst = Math.Max(worst, NumpyOracle.AssertClose($"{id} {f.Name}", expected[f.Name], v[f.Name], scale));
        }

        // Each direction's matrix, not only the average.
        var present = new HashSet<int>();
        foreach (GlcmDirectionValues d in result.Glcm.Directions)
        {
            int k = (int)d.Direction;
            present.Add(k);
            string p = $"glcm.dir{k}.";
            Assert.Equal(expected[p + "pairs"], d.PairCount);
            NumpyOracle.AssertClose($"{id} {p}joint_energy", expected[p + "joint_energy"], d.JointEnergy, 1);
            NumpyOracle.AssertClose($"{id} {p}contrast", expected[p + "contrast"], d.Contrast, c.Options.GlcmGreyLevels * c.Options.GlcmGreyLevels);
            NumpyOracle.AssertClose($"{id} {p}correlation", expected[p + "correlation"], d.Correlation, 1);
            NumpyOracle.AssertClose($"{id} {p}inverse_difference", expected[p + "inverse_difference"], d.InverseDifference, 1);
            NumpyOracle.AssertClose($"{id} {p}inverse_difference_moment", expected[p + "inverse_difference_moment"], d.InverseDifferenceMoment, 1);
            NumpyOracle.AssertClose($"{id} {p}joint_entropy", expected[p + "joint_entropy"], d.JointEntropy, 1);
        }

        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(expected.ContainsKey($"glcm.dir{k}.pairs"), present.Contains(k));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{id}: {v.Count} features, N = {result.FirstOrder.PixelCount}, worst relative difference {worst:E2} (numpy run {NumpyOracle.Seconds:F1} s)"));
    }

    [Theory]
    [MemberData(nameof(DownsampleIds))]
    public void Downsampled_pixels_equal_numpy(string id)
    {
        DownsampleCase c = NumpyOracle.DownsampleCases.Single(x => x.Id == id);
        IReadOnlyDictionary<string, double> expected = NumpyOracle.Results(id);
        DownsampledImage image = new ImageDownsampler(c.Options).Downsample(c.Pixels, c.Width, c.Height, c.Roi);
        Assert.Equal(c.Options.Width, image.Width);
        Assert.Equal(c.Options.Height, image.Height);
        double scale = c.Options.Normalization == ImageNormalization.None ? 1000 : 1;
        double worst = 0;
        float[] singles = image.ToSingleArray();
        for (int i = 0; i < image.Features.Count; i++)
        {
            string name = image.Features.Schema.Features[i].Name;
            worst = Math.Max(worst, NumpyOracle.AssertClose($"{id} {name}", expected[name], image.Values[i], scale));
            Assert.Equal((float)image.Values[i], singles[i]);
        }

        Assert.Equal(expected.Count, image.Features.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id}: {image.Features.Count} pixels, worst relative difference {worst:E2}"));
    }
}
