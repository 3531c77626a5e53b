namespace HeCompute.Features.Tests.Oracle;

/// <summary>The frames, regions and options the numpy oracle and the library both compute.</summary>
internal static class OracleCases
{
    public static List<RadiomicsCase> Radiomics()
    {
        var cases = new List<RadiomicsCase>();
        var hu = new RadiomicsOptions { IntensityUnit = "HU" };

        // Whole image, CT-like, IBSI-style CT settings (bin width 25 HU from the ROI minimum, 32 grey levels).
        {
            float[] px = TestData.CtLike(64, 48, 1);
            cases.Add(new("ct_whole", 64, 48, px, RegionOfInterest.WholeImage, Filled(64 * 48), hu));
        }

        // Byte mask with holes, re-segmentation [-500, 400] HU (bins start at -500), 16 grey levels, distance 2.
        {
            float[] px = TestData.CtLike(96, 80, 2);
            bool[] mask = TestData.BlobMask(96, 80, 3);
            cases.Add(new("ct_mask_reseg", 96, 80, px, RegionOfInterest.FromMask(ToBytes(mask), 96, 80), mask,
                hu with { Resegmentation = new IntensityRange(-500, 400), HistogramBinWidth = 10, GlcmGreyLevels = 16, GlcmDistance = 2 }));
        }

        // Half-open re-segmentation [-200, +inf): bins still start at -200; bool mask.
        {
            float[] px = TestData.CtLike(70, 70, 4);
            bool[] mask = TestData.BlobMask(70, 70, 5);
            cases.Add(new("ct_bool_mask_halfopen", 70, 70, px, RegionOfInterest.FromMask(mask, 70, 70), mask,
                hu with { Resegmentation = IntensityRange.AtLeast(-200), HistogramBinWidth = 25, GlcmGreyLevels = 24 }));
        }

        // Rectangle ROI, explicit histogram lower bound, 64 grey levels, distance 3.
        {
            float[] px = TestData.CtLike(50, 40, 6);
            cases.Add(new("ct_rectangle", 50, 40, px, RegionOfInterest.Rectangle(5, 7, 30, 20), TestData.RectangleMask(50, 40, 5, 7, 30, 20),
                hu with { HistogramLowerBound = -1100, HistogramBinWidth = 50, GlcmGreyLevels = 64, GlcmDistance = 3 }));
        }

        // Integer HU with many ties; a 101-pixel rectangle so (N-1)·10/100 is whole: P10 and P90 fall exactly on
        // order statistics, and values equal to them must be kept by the robust mean absolute deviation.
        {
            float[] px = TestData.CtLike(101, 3, 7, integerValued: true);
            for (int i = 0; i < px.Length; i++)
            {
                px[i] = MathF.Round(px[i] / 100f) * 100f;
            }

            cases.Add(new("ties_integer", 101, 3, px, RegionOfInterest.Rectangle(0, 1, 101, 1), TestData.RectangleMask(101, 3, 0, 1, 101, 1),
                hu with { HistogramBinWidth = 100, GlcmGreyLevels = 6 }));
        }

        // A full 512 × 512 CT slice.
        {
            float[] px = TestData.CtLike(512, 512, 8);
            cases.Add(new("ct_512_whole", 512, 512, px, RegionOfInterest.WholeImage, Filled(512 * 512), hu));
        }

        // DICOM SEG, BINARY: frame 2 of three 37 × 23 frames packed back to back (frames not byte-aligned).
        {
            float[] px = TestData.CtLike(37, 23, 9);
            bool[][] frames = [TestData.BlobMask(37, 23, 10), TestData.BlobMask(37, 23, 11), TestData.BlobMask(37, 23, 12)];
            byte[] packed = TestData.PackBits(frames);
            cases.Add(new("seg_binary_frame2", 37, 23, px, RegionOfInterest.FromBinarySegmentationFrame(packed, 37, 23, 2), frames[2],
                hu with { HistogramBinWidth = 5, GlcmGreyLevels = 8 }));
        }

        // DICOM SEG, FRACTIONAL: frame 1 of two 30 × 30 byte frames, threshold 128.
        {
            float[] px = TestData.CtLike(30, 30, 13);
            var rng = new SplitMix64(14);
            var data = new byte[2 * 900];
            bool[] blob = TestData.BlobMask(30, 30, 15);
            var expected = new bool[900];
            for (int i = 0; i < data.Length; i++)
            {
                bool inside = i >= 900 && blob[i - 900];
                data[i] = (byte)(inside ? 100 + rng.Next(156) : rng.Next(100));
                if (i >= 900)
                {
                    expected[i - 900] = data[i] >= 128;
                }
            }

            cases.Add(new("seg_fractional_frame1", 30, 30, px, RegionOfInterest.FromFractionalSegmentationFrame(data, 30, 30, 1, 128), expected,
                hu with { HistogramBinWidth = 20, GlcmGreyLevels = 12 }));
        }

        // Dimensionless intensities in [0, 1) (e.g. normalised MR), bins of 0.05 from 0, 10 grey levels.
        {
            float[] px = TestData.Uniform(40, 30, 16, 0, 1);
            bool[] mask = TestData.BlobMask(40, 30, 17);
            cases.Add(new("unit_interval", 40, 30, px, RegionOfInterest.FromMask(mask, 40, 30), mask,
                new RadiomicsOptions { HistogramBinWidth = 0.05, HistogramLowerBound = 0, GlcmGreyLevels = 10, Resegmentation = new IntensityRange(0, 1) }));
        }

        // Constant region: zero variance (skewness = kurtosis = 0 per IBSI) and a single GLCM grey level.
        {
            float[] px = TestData.Uniform(20, 20, 18, -50, 50);
            bool[] mask = TestData.RectangleMask(20, 20, 4, 4, 9, 9);
            for (int i = 0; i < px.Length; i++)
            {
                if (mask[i])
                {
                    px[i] = 37.3f;
                }
            }

            cases.Add(new("constant_region", 20, 20, px, RegionOfInterest.FromMask(mask, 20, 20), mask, hu with { GlcmGreyLevels = 8 }));
        }

        // A single row: only the 0° direction has pairs (the others are left out of the average).
        {
            float[] px = TestData.CtLike(60, 5, 19);
            cases.Add(new("single_row", 60, 5, px, RegionOfInterest.Rectangle(0, 2, 60, 1), TestData.RectangleMask(60, 5, 0, 2, 60, 1), hu));
        }

        // The IBSI digital phantom: its four slices side by side (first-order) and each slice (GLCM), 6 levels.
        var phantomOptions = new RadiomicsOptions { HistogramBinWidth = 1, GlcmGreyLevels = 6, GlcmDistance = 1 };
        {
            (float[] px, bool[] mask) = TestData.PhantomMosaic();
            cases.Add(new("ibsi_phantom_mosaic", 20, 4, px, RegionOfInterest.FromMask(mask, 20, 4), mask, phantomOptions));
        }

        for (int z = 0; z < 4; z++)
        {
            (float[] px, bool[] mask) = TestData.PhantomSlice(z);
            cases.Add(new($"ibsi_phantom_slice{z}", 5, 4, px, RegionOfInterest.FromMask(mask, 5, 4), mask, phantomOptions));
        }

        return cases;
    }

    public static List<DownsampleCase> Downsample()
    {
        var cases = new List<DownsampleCase>();
        float[] a = TestData.CtLike(100, 75, 21);
        cases.Add(new("down_100x75_to_28_minmax", 100, 75, a, null, new PixelRectangle(0, 0, 100, 75),
            new DownsampleOptions { Width = 28, Height = 28, Normalization = ImageNormalization.MinMax }));
        float[] b = TestData.CtLike(512, 512, 22);
        cases.Add(new("down_512_to_64_zscore", 512, 512, b, null, new PixelRectangle(0, 0, 512, 512),
            new DownsampleOptions { Width = 64, Height = 64, Normalization = ImageNormalization.ZScore }));
        cases.Add(new("down_512_to_32_minmax", 512, 512, b, null, new PixelRectangle(0, 0, 512, 512),
            new DownsampleOptions { Width = 32, Height = 32, Normalization = ImageNormalization.MinMax }));
        float[] c = TestData.CtLike(37, 23, 23);
        cases.Add(new("up_37x23_to_32_zscore", 37, 23, c, null, new PixelRectangle(0, 0, 37, 23),
            new DownsampleOptions { Width = 32, Height = 32, Normalization = ImageNormalization.ZScore }));
        float[] d = TestData.CtLike(90, 60, 24);
        cases.Add(new("rect_roi_to_28_none", 90, 60, d, RegionOfInterest.Rectangle(11, 7, 53, 41), new PixelRectangle(11, 7, 53, 41),
            new DownsampleOptions { Width = 28, Height = 28, Normalization = ImageNormalization.None, IntensityUnit = "HU" }));
        bool[] blob = TestData.BlobMask(80, 80, 25);
        float[] e = TestData.CtLike(80, 80, 26);
        cases.Add(new("mask_bbox_to_17x9_minmax", 80, 80, e, RegionOfInterest.FromMask(blob, 80, 80), BoundingBox(blob, 80, 80),
            new DownsampleOptions { Width = 17, Height = 9, Normalization = ImageNormalization.MinMax }));
        return cases;
    }

    private static PixelRectangle BoundingBox(bool[] mask, int width, int height)
    {
        int minX = width, minY = height, maxX = -1, maxY = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (mask[y * width + x])
                {
                    minX = Math.Min(minX, x);
                    maxX = Math.Max(maxX, x);
                    minY = Math.Min(minY, y);
                    maxY = Math.Max(maxY, y);
                }
            }
        }

        return new PixelRectangle(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    private static bool[] Filled(int n)
    {
        var mask = new bool[n];
        Array.Fill(mask, true);
        return mask;
    }

    private static byte[] ToBytes(bool[] mask)
    {
        var bytes = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            bytes[i] = mask[i] ? (byte)(1 + i % 200) : (byte)0;
        }

        return bytes;
    }
}
