using System.Numerics.Tensors;

namespace HeCompute.Features.Tests;

public sealed class DownsampleTests
{
    [Theory]
    [InlineData(64, 48, 32, 24)]
    [InlineData(512, 512, 64, 64)]
    [InlineData(90, 30, 30, 10)]
    public void Integer_factors_give_block_means(int width, int height, int outWidth, int outHeight)
    {
        float[] px = TestData.CtLike(width, height, 31);
        double[] actual = ImageDownsampler.AreaAverage(px, width, height, new PixelRectangle(0, 0, width, height), outWidth, outHeight);
        int fx = width / outWidth, fy = height / outHeight;
        for (int r = 0; r < outHeight; r++)
        {
            for (int c = 0; c < outWidth; c++)
            {
                double sum = 0;
                for (int y = r * fy; y < (r + 1) * fy; y++)
                {
                    for (int x = c * fx; x < (c + 1) * fx; x++)
                    {
                        sum += px[y * width + x];
                    }
                }

                Oracle.NumpyOracle.AssertClose($"block ({r}, {c})", sum / (fx * fy), actual[r * outWidth + c], 1000);
            }
        }
    }

    [Fact]
    public void Area_average_preserves_the_mean_and_stays_within_the_source_range()
    {
        // Every source pixel's weights over the outputs sum to outputs/source, so the output mean equals the input mean.
        const int w = 37, h = 23;
        float[] px = TestData.CtLike(w, h, 32);
        foreach ((int ow, int oh) in new[] { (28, 28), (64, 64), (5, 3), (1, 1), (37, 23) })
        {
            double[] v = ImageDownsampler.AreaAverage(px, w, h, new PixelRectangle(0, 0, w, h), ow, oh);
            double inputMean = px.Average(p => (double)p);
            Oracle.NumpyOracle.AssertClose($"mean {ow}x{oh}", inputMean, v.Average(), 1000);
            Assert.All(v, x => Assert.InRange(x, px.Min() - 1e-9, px.Max() + 1e-9));
        }

        // Same size: the identity.
        double[] same = ImageDownsampler.AreaAverage(px, w, h, new PixelRectangle(0, 0, w, h), w, h);
        Assert.Equal(px.Select(p => (double)p), same);
    }

    [Fact]
    public void Normalisations_meet_their_declared_bounds_and_constant_images_give_zeros()
    {
        float[] px = TestData.CtLike(100, 80, 33);
        DownsampledImage mm = new ImageDownsampler(new DownsampleOptions { Width = 28, Height = 28 }).Downsample(px, 100, 80);
        Assert.Equal(0, mm.Values.ToArray().Min());
        Assert.Equal(1, mm.Values.ToArray().Max());

        var zs = new ImageDownsampler(new DownsampleOptions { Width = 32, Height = 32, Normalization = ImageNormalization.ZScore });
        DownsampledImage z = zs.Downsample(px, 100, 80);
        double[] zv = z.Values.ToArray();
        Oracle.NumpyOracle.AssertClose("z mean", 0, zv.Average(), 1);
        Oracle.NumpyOracle.AssertClose("z sd", 1, Math.Sqrt(zv.Select(x => x * x).Average()), 1);
        Assert.Equal(-Math.Sqrt(1023), zs.Schema.Features[0].LowerBound);
        Assert.Equal(Math.Sqrt(1023), zs.Schema.Features[0].UpperBound);

        // One bright pixel in a dark image is the extreme case of the z-score bound √(n − 1).
        var spike = new float[32 * 32];
        spike[100] = 1;
        DownsampledImage s = zs.Downsample(spike, 32, 32);
        Assert.True(Math.Abs(s.Values[100] - Math.Sqrt(1023)) < 1e-12);

        var flat = new float[50 * 50];
        Array.Fill(flat, 42.5f);
        Assert.All(new ImageDownsampler(new DownsampleOptions()).Downsample(flat, 50, 50).Values.ToArray(), x => Assert.Equal(0, x));
        Assert.All(zs.Downsample(flat, 50, 50).Values.ToArray(), x => Assert.Equal(0, x));
    }

    [Fact]
    public void Output_tensor_and_schema_have_the_requested_shape()
    {
        float[] px = TestData.CtLike(64, 64, 34);
        var options = new DownsampleOptions { Width = 28, Height = 14, Normalization = ImageNormalization.None, IntensityUnit = "HU" };
        DownsampledImage image = new ImageDownsampler(options).Downsample(px, 64, 64, RegionOfInterest.Rectangle(8, 8, 40, 20));
        Tensor<float> t = image.ToTensor();
        Assert.Equal([14, 28], t.Lengths.ToArray());
        Assert.Equal(image.ToSingleArray(), t.ToArray());
        Assert.Equal("pixel.13.27", image.Features.Schema.Features[^1].Name);
        Assert.Equal("HU", image.Features.Schema.Features[0].Unit);
        Assert.Null(image.Features.Schema.Features[0].LowerBound);
        Assert.Equal("28", image.Features.Schema.Parameters["output.width"]);
    }
}
