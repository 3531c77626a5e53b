using HeCompute.Features.Tests.Oracle;

namespace HeCompute.Features.Tests;

/// <summary>The library's GLCM against the plain second implementation in <see cref="NaiveGlcm"/>.</summary>
public sealed class GlcmTests
{
    public static TheoryData<int, int, int, int, ulong, string> Cases() => new()
    {
        { 40, 30, 2, 1, 1, "blob" },
        { 40, 30, 7, 1, 2, "blob" },
        { 64, 48, 32, 1, 3, "blob" },
        { 64, 48, 32, 2, 4, "whole" },
        { 33, 57, 100, 5, 5, "blob" },
        { 25, 25, 16, 3, 6, "border" },
        { 50, 1, 8, 1, 7, "whole" },
        { 1, 50, 8, 2, 8, "whole" },
        { 9, 9, 5, 8, 9, "whole" },
        { 128, 96, 64, 1, 10, "blob" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Glcm_equals_naive_implementation(int width, int height, int ng, int distance, ulong seed, string region)
    {
        float[] pixels = TestData.CtLike(width, height, seed);
        bool[] mask = region switch
        {
            "blob" => TestData.BlobMask(width, height, seed + 100),
            "border" => BorderMask(width, height),
            _ => Enumerable.Repeat(true, width * height).ToArray(),
        };
        var options = new RadiomicsOptions { GlcmGreyLevels = ng, GlcmDistance = distance };
        GlcmFeatures lib = GlcmTexture.Compute(pixels, width, height, RegionOfInterest.FromMask(mask, width, height), options);
        (NaiveGlcm.Features?[] perDirection, NaiveGlcm.Features average) = NaiveGlcm.Compute(pixels, mask, width, height, ng, distance);

        Assert.Equal(perDirection.Count(f => f is not null), lib.Directions.Count);
        foreach (GlcmDirectionValues d in lib.Directions)
        {
            NaiveGlcm.Features expected = perDirection[(int)d.Direction] ?? throw new InvalidOperationException("direction without pairs");
            Compare($"{d.Direction}", expected, d, ng);
        }

        Compare("average", average, lib, ng);
    }

    [Fact]
    public void Levels_api_matches_pixel_api()
    {
        float[] pixels = TestData.CtLike(30, 20, 42);
        bool[] mask = TestData.BlobMask(30, 20, 43);
        int[] levels = new int[pixels.Length];
        (_, NaiveGlcm.Features naive) = NaiveGlcm.Compute(pixels, mask, 30, 20, 10, 1);

        // Discretise with the library's own discretisation and hand the level image to FromLevels.
        double[] values = [.. pixels.Where((_, i) => mask[i]).Select(v => (double)v)];
        int[] d = GlcmTexture.Discretise(values, 10);
        for (int i = 0, k = 0; i < pixels.Length; i++)
        {
            if (mask[i])
            {
                levels[i] = d[k++];
            }
        }

        GlcmFeatures lib = GlcmTexture.FromLevels(levels, 30, 20, 10, 1);
        Compare("levels", naive, lib, 10);
        Assert.Throws<ArgumentException>(() => GlcmTexture.FromLevels([0, 11], 2, 1, 10, 1));
    }

    private static void Compare(string what, NaiveGlcm.Features e, GlcmTextureValues a, int ng)
    {
        NumpyOracle.AssertClose(what + " joint energy", e.JointEnergy, a.JointEnergy, 1);
        NumpyOracle.AssertClose(what + " contrast", e.Contrast, a.Contrast, (double)ng * ng);
        NumpyOracle.AssertClose(what + " correlation", e.Correlation, a.Correlation, 1);
        NumpyOracle.AssertClose(what + " inverse difference", e.InverseDifference, a.InverseDifference, 1);
        NumpyOracle.AssertClose(what + " inverse difference moment", e.InverseDifferenceMoment, a.InverseDifferenceMoment, 1);
        NumpyOracle.AssertClose(what + " joint entropy", e.JointEntropy, a.JointEntropy, 1);
    }

    private static bool[] BorderMask(int width, int height)
    {
        var mask = new bool[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                mask[y * width + x] = x < 3 || y < 2 || x >= width - 2 || y >= height - 3;
            }
        }

        return mask;
    }
}
