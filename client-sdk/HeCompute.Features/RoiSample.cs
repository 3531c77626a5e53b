using System.Numerics.Tensors;

namespace HeCompute.Features;

/// <summary>
/// The intensities of a region of interest gathered from a frame: values in row-major order as doubles, the pixel index
/// of each, and the intensity mask (the region after re-segmentation) as 0/1 bytes of the frame's size.
/// </summary>
internal sealed class RoiSample
{
    private RoiSample(double[] values, int[] indices, byte[] mask, int width, int height)
    {
        Values = values;
        Indices = indices;
        Mask = mask;
        Width = width;
        Height = height;
    }

    public double[] Values { get; }

    public int[] Indices { get; }

    public byte[] Mask { get; }

    public int Width { get; }

    public int Height { get; }

    public int Count => Values.Length;

    /// <summary>
    /// Gathers the region's pixels, applying the optional re-segmentation range. Throws
    /// <see cref="FeatureExtractionException"/> for a non-finite intensity inside the region or an empty result.
    /// </summary>
    public static RoiSample Gather(
        ReadOnlySpan<float> pixels, int width, int height, RegionOfInterest roi, IntensityRange? resegmentation)
    {
        ImageGeometry.Validate(pixels.Length, width, height);
        ArgumentNullException.ThrowIfNull(roi);
        ResolvedRegion region = roi.Resolve(width, height);
        byte[] mask = region.Mask;
        var values = new double[region.Count];
        var indices = new int[region.Count];
        int n = 0;
        if (region.Count > 0)
        {
            PixelRectangle b = region.Bounds;
            for (int y = b.Y; y < b.Bottom; y++)
            {
                int rowStart = y * width;
                for (int x = b.X; x < b.Right; x++)
                {
                    int i = rowStart + x;
                    if (mask[i] == 0)
                    {
                        continue;
                    }

                    float v = pixels[i];
                    if (!float.IsFinite(v))
                    {
                        throw new FeatureExtractionException(
                            $"The pixel at column {x}, row {y} inside the region of interest is {v}; intensities must be finite.");
                    }

                    if (resegmentation is not null && !resegmentation.Contains(v))
                    {
                        mask[i] = 0;
                        continue;
                    }

                    values[n] = v;
                    indices[n] = i;
                    n++;
                }
            }
        }

        if (n == 0)
        {
            throw new FeatureExtractionException(region.Count == 0
                ? $"The region of interest ({roi}) contains no pixels."
                : $"No pixel of the region of interest ({roi}) lies in the re-segmentation range {resegmentation}.");
        }

        if (n < values.Length)
        {
            Array.Resize(ref values, n);
            Array.Resize(ref indices, n);
        }

        return new RoiSample(values, indices, mask, width, height);
    }

    /// <summary>Smallest and largest intensity of the sample.</summary>
    public (double Min, double Max) Extremes() => (TensorPrimitives.Min<double>(Values), TensorPrimitives.Max<double>(Values));
}
