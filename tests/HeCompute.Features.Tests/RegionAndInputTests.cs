using System.Numerics.Tensors;

namespace HeCompute.Features.Tests;

public sealed class RegionAndInputTests
{
    private static readonly RadiomicsOptions Hu = new() { IntensityUnit = "HU" };

    [Fact]
    public void Regions_outside_or_of_the_wrong_size_are_argument_errors()
    {
        float[] px = TestData.CtLike(20, 10, 1);
        var extractor = new RadiomicsExtractor(Hu);
        Assert.Throws<ArgumentException>(() => extractor.Extract(px, 20, 10, RegionOfInterest.Rectangle(15, 0, 6, 5)));
        Assert.Throws<ArgumentException>(() => extractor.Extract(px, 20, 10, RegionOfInterest.FromMask(new byte[200], 10, 20)));
        Assert.Throws<ArgumentException>(() => extractor.Extract(px, 20, 11, RegionOfInterest.WholeImage));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegionOfInterest.Rectangle(0, 0, 0, 5));
        Assert.Throws<ArgumentException>(() => RegionOfInterest.FromMask(new byte[10], 3, 3));
        Assert.Throws<ArgumentException>(() => RegionOfInterest.FromBitPackedMask(new byte[2], 4, 4, firstBit: 1));
        Assert.Throws<ArgumentException>(() => RegionOfInterest.FromBinarySegmentationFrame(new byte[3], 4, 4, 1));
        Assert.Throws<ArgumentException>(() => RegionOfInterest.FromFractionalSegmentationFrame(new byte[31], 4, 4, 1, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegionOfInterest.FromFractionalSegmentationFrame(new byte[32], 4, 4, 1, 0));
    }

    [Fact]
    public void Empty_regions_and_impossible_features_raise_FeatureExtractionException()
    {
        float[] px = TestData.CtLike(20, 10, 2);
        var extractor = new RadiomicsExtractor(Hu);
        Assert.Throws<FeatureExtractionException>(() => extractor.Extract(px, 20, 10, RegionOfInterest.FromMask(new bool[200], 20, 10)));

        // Re-segmentation that removes every pixel.
        var reseg = new RadiomicsExtractor(Hu with { Resegmentation = new IntensityRange(5000, 6000) });
        Assert.Throws<FeatureExtractionException>(() => reseg.Extract(px, 20, 10, RegionOfInterest.WholeImage));

        // One pixel: first-order statistics exist, a GLCM does not.
        RegionOfInterest single = RegionOfInterest.Rectangle(3, 3, 1, 1);
        Assert.Equal(px[3 * 20 + 3], FirstOrderStatistics.Compute(px, 20, 10, single, Hu).Mean);
        Assert.Throws<FeatureExtractionException>(() => extractor.Extract(px, 20, 10, single));

        // An intensity below an explicit histogram lower bound.
        var bounded = new RadiomicsExtractor(Hu with { HistogramLowerBound = 0 });
        Assert.Throws<FeatureExtractionException>(() => bounded.Extract(px, 20, 10, RegionOfInterest.WholeImage));
    }

    [Fact]
    public void Non_finite_pixels_fail_inside_the_region_and_are_ignored_outside()
    {
        float[] px = TestData.CtLike(20, 10, 3);
        var extractor = new RadiomicsExtractor(Hu);
        RegionOfInterest roi = RegionOfInterest.Rectangle(0, 0, 10, 10);
        FeatureVector clean = extractor.Extract(px, 20, 10, roi);
        float[] dirty = (float[])px.Clone();
        dirty[5 * 20 + 15] = float.NaN;
        dirty[2 * 20 + 19] = float.PositiveInfinity;
        Assert.Equal(clean.ToArray(), extractor.Extract(dirty, 20, 10, roi).ToArray());
        dirty[4 * 20 + 4] = float.NaN;
        FeatureExtractionException e = Assert.Throws<FeatureExtractionException>(() => extractor.Extract(dirty, 20, 10, roi));
        Assert.Contains("column 4, row 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<FeatureExtractionException>(() => new ImageDownsampler(new DownsampleOptions()).Downsample(dirty, 20, 10));
    }

    [Fact]
    public void All_region_forms_select_the_same_pixels()
    {
        const int w = 29, h = 13;
        float[] px = TestData.CtLike(w, h, 4);
        bool[] mask = TestData.BlobMask(w, h, 5);
        var bytes = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            bytes[i] = mask[i] ? (byte)255 : (byte)0;
        }

        // The same mask as bits starting at an odd bit offset, and as frame 3 of a 1-bit SEG and of an 8-bit SEG.
        bool[] other = TestData.BlobMask(w, h, 6);
        byte[] offsetBits = TestData.PackBits([new bool[5], mask]);
        byte[] seg = TestData.PackBits([other, other, other, mask, other]);
        var fractional = new byte[5 * w * h];
        for (int i = 0; i < mask.Length; i++)
        {
            fractional[3 * w * h + i] = mask[i] ? (byte)200 : (byte)127;
        }

        var extractor = new RadiomicsExtractor(Hu);
        double[] expected = extractor.Extract(px, w, h, RegionOfInterest.FromMask(mask, w, h)).ToArray();
        RegionOfInterest[] forms =
        [
            RegionOfInterest.FromMask(bytes, w, h),
            RegionOfInterest.FromBitPackedMask(offsetBits, w, h, firstBit: 5),
            RegionOfInterest.FromBinarySegmentationFrame(seg, w, h, 3),
            RegionOfInterest.FromFractionalSegmentationFrame(fractional, w, h, 3, 128),
        ];
        foreach (RegionOfInterest roi in forms)
        {
            Assert.Equal(expected, extractor.Extract(px, w, h, roi).ToArray());
        }

        // A rectangle equals the mask of that rectangle; the whole image equals the full rectangle.
        Assert.Equal(
            extractor.Extract(px, w, h, RegionOfInterest.FromMask(TestData.RectangleMask(w, h, 2, 3, 20, 8), w, h)).ToArray(),
            extractor.Extract(px, w, h, RegionOfInterest.Rectangle(2, 3, 20, 8)).ToArray());
        Assert.Equal(
            extractor.Extract(px, w, h, RegionOfInterest.WholeImage).ToArray(),
            extractor.Extract(px, w, h, RegionOfInterest.Rectangle(0, 0, w, h)).ToArray());
    }

    [Fact]
    public void Tensor_input_equals_span_input()
    {
        const int w = 31, h = 17;
        float[] px = TestData.CtLike(w, h, 7);
        Tensor<float> tensor = Tensor.Create(px, [h, w]);
        var extractor = new RadiomicsExtractor(Hu);
        RegionOfInterest roi = RegionOfInterest.FromMask(TestData.BlobMask(w, h, 8), w, h);
        Assert.Equal(extractor.Extract(px, w, h, roi).ToArray(), extractor.Extract(tensor, roi).ToArray());
        var down = new ImageDownsampler(new DownsampleOptions { Width = 8, Height = 5 });
        Assert.Equal(down.Downsample(px, w, h).Values.ToArray(), down.Downsample(tensor).Values.ToArray());
        Assert.Throws<ArgumentException>(() => extractor.Extract(Tensor.Create(px, [1, h, w]), roi));
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadiomicsExtractor(Hu with { HistogramBinWidth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadiomicsExtractor(Hu with { HistogramBinWidth = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadiomicsExtractor(Hu with { HistogramLowerBound = double.NegativeInfinity }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadiomicsExtractor(Hu with { GlcmGreyLevels = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadiomicsExtractor(Hu with { GlcmGreyLevels = RadiomicsOptions.MaxGlcmGreyLevels + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RadiomicsExtractor(Hu with { GlcmDistance = 0 }));
        Assert.Throws<ArgumentException>(() => new RadiomicsExtractor(Hu with { IntensityUnit = "" }));
        Assert.Throws<ArgumentException>(() => new IntensityRange(2, 1));
        Assert.Throws<ArgumentException>(() => new IntensityRange(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDownsampler(new DownsampleOptions { Width = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDownsampler(new DownsampleOptions { Normalization = (ImageNormalization)7 }));
    }

    [Fact]
    public void Values_reaching_the_declared_bounds_are_accepted()
    {
        // Half the region at each end of the re-segmentation range: variance = (b − a)²/4, MAD = (b − a)/2, RMS = max(|a|, |b|).
        const int w = 16, h = 16;
        var px = new float[w * h];
        for (int i = 0; i < px.Length; i++)
        {
            px[i] = i % 2 == 0 ? -1000f : 400f;
        }

        var extractor = new RadiomicsExtractor(Hu with { Resegmentation = new IntensityRange(-1000, 400) });
        FeatureVector v = extractor.Extract(px, w, h, RegionOfInterest.WholeImage);
        Assert.Equal(490000, v["first_order.variance"]);
        Assert.Equal(700, v["first_order.mean_absolute_deviation"]);
        Assert.Equal(1400, v["first_order.range"]);
        // Column stripes: neighbours at 0°, 45° and 135° always differ (correlation −1), at 90° never (+1).
        Assert.Equal(-0.5, v["glcm.correlation"]);
        for (int i = 0; i < v.Count; i++)
        {
            Assert.True(v.Schema.Features[i].Admits(v[i]));
        }
    }
}
