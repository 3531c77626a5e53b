using System.Globalization;
using System.Numerics.Tensors;

namespace HeCompute.Features;

/// <summary>How a downsampled image is normalised.</summary>
public enum ImageNormalization
{
    /// <summary>No normalisation: area-averaged intensities in the input's unit.</summary>
    None,

    /// <summary>(v − min)/(max − min) over the output pixels, in [0, 1]; all 0 when the output is constant.</summary>
    MinMax,

    /// <summary>(v − mean)/σ over the output pixels, σ the population standard deviation; all 0 when σ = 0.</summary>
    ZScore,
}

/// <summary>Settings of <see cref="ImageDownsampler"/>.</summary>
public sealed record DownsampleOptions
{
    /// <summary>Output width in pixels (e.g. 28, 32, 64), at least 1.</summary>
    public int Width { get; init; } = 32;

    /// <summary>Output height in pixels, at least 1.</summary>
    public int Height { get; init; } = 32;

    /// <summary>Normalisation of the output.</summary>
    public ImageNormalization Normalization { get; init; } = ImageNormalization.MinMax;

    /// <summary>Unit of the input intensities; the output's unit when <see cref="Normalization"/> is None.</summary>
    public string IntensityUnit { get; init; } = "1";

    /// <summary>Largest accepted output width × height.</summary>
    public const int MaxOutputPixels = 1 << 22;

    /// <summary>Throws <see cref="ArgumentException"/> for an invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 1, nameof(Height));
        if ((long)Width * Height > MaxOutputPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), $"The output may have at most {MaxOutputPixels} pixels.");
        }

        if (!Enum.IsDefined(Normalization))
        {
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "Unknown normalisation.");
        }

        SchemaText.ValidateName(IntensityUnit, nameof(IntensityUnit));
    }
}

/// <summary>
/// Resamples a frame (or the bounding box of a region of interest) to a fixed size by exact area averaging, then
/// normalises it — the input of image models. Output pixel (r, c) is the mean of the source over the output pixel's
/// footprint: the source is treated as piecewise constant on unit squares, the footprint of output column c spans
/// source columns [c·W/w, (c+1)·W/w) (likewise rows), and each source pixel is weighted by the exact area of its
/// overlap with the footprint (a box filter with fractional coverage; it also upsamples when w &gt; W). The weights
/// are products of per-axis overlaps, computed from integers, and the filter is applied separably in double
/// precision with <see cref="TensorPrimitives"/>.
/// </summary>
public sealed class ImageDownsampler
{
    /// <summary>Name of the schema this downsampler produces.</summary>
    public const string SchemaName = "hecompute.image.area-average";

    /// <summary>Version of the schema.</summary>
    public const int SchemaVersion = 1;

    private readonly DownsampleOptions _options;

    /// <summary>Creates a downsampler; the options are validated.</summary>
    public ImageDownsampler(DownsampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Schema = BuildSchema(options);
    }

    /// <summary>The options.</summary>
    public DownsampleOptions Options => _options;

    /// <summary>
    /// The schema of the output: one feature per pixel, named <c>pixel.&lt;row&gt;.&lt;column&gt;</c> in row-major order,
    /// bounded to [0, 1] for min–max normalisation and to [−√(n−1), √(n−1)] for z-scores (n output pixels; no
    /// population z-score can exceed √(n−1) in magnitude).
    /// </summary>
    public FeatureSchema Schema { get; }

    /// <summary>
    /// Downsamples the frame, or the bounding rectangle of <paramref name="roi"/> (a mask's pixels outside the mask but
    /// inside its bounding rectangle are included).
    /// </summary>
    /// <exception cref="FeatureExtractionException">A non-finite pixel in the source rectangle, or an empty region.</exception>
    public DownsampledImage Downsample(ReadOnlySpan<float> pixels, int width, int height, RegionOfInterest? roi = null)
    {
        ImageGeometry.Validate(pixels.Length, width, height);
        PixelRectangle source = new(0, 0, width, height);
        if (roi is not null)
        {
            ResolvedRegion region = roi.Resolve(width, height);
            if (region.Count == 0)
            {
                throw new FeatureExtractionException($"The region of interest ({roi}) contains no pixels.");
            }

            source = region.Bounds;
        }

        double[] values = AreaAverage(pixels, width, height, source, _options.Width, _options.Height);
        Normalize(values, _options.Normalization);
        BoundsFit.Apply(Schema, values);
        return new DownsampledImage(_options.Width, _options.Height, new FeatureVector(Schema, values));
    }

    /// <summary>Downsamples a rank-2 tensor of shape [height, width].</summary>
    public DownsampledImage Downsample(Tensor<float> image, RegionOfInterest? roi = null)
    {
        float[] pixels = ImageGeometry.FromTensor(image, out int width, out int height);
        return Downsample(pixels, width, height, roi);
    }

    /// <summary>
    /// The exact area average (no normalisation) of <paramref name="source"/> of a frame to
    /// <paramref name="outWidth"/> × <paramref name="outHeight"/>, row-major.
    /// </summary>
    public static double[] AreaAverage(
        ReadOnlySpan<float> pixels, int width, int height, PixelRectangle source, int outWidth, int outHeight)
    {
        ImageGeometry.Validate(pixels.Length, width, height);
        ArgumentOutOfRangeException.ThrowIfLessThan(outWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outHeight, 1);
        if (source.X < 0 || source.Y < 0 || source.Width < 1 || source.Height < 1
            || source.Right > width || source.Bottom > height)
        {
            throw new ArgumentException($"The source rectangle {source} does not lie inside the {width}×{height} frame.", nameof(source));
        }

        AxisWeights columns = AxisWeights.Create(source.Width, outWidth);
        AxisWeights rows = AxisWeights.Create(source.Height, outHeight);

        // Pass 1: each source row of the rectangle → outWidth column averages.
        var horizontal = new double[source.Height * outWidth];
        var row = new double[source.Width];
        for (int y = 0; y < source.Height; y++)
        {
            ReadOnlySpan<float> src = pixels.Slice((source.Y + y) * width + source.X, source.Width);
            TensorPrimitives.ConvertChecked<float, double>(src, row);
            if (!double.IsFinite(TensorPrimitives.Sum<double>(row)))
            {
                int bad = FirstNonFinite(src);
                throw new FeatureExtractionException(
                    $"The pixel at column {source.X + bad}, row {source.Y + y} is {src[bad]}; intensities must be finite.");
            }

            Span<double> dst = horizontal.AsSpan(y * outWidth, outWidth);
            for (int c = 0; c < outWidth; c++)
            {
                dst[c] = TensorPrimitives.Dot<double>(row.AsSpan(columns.Start[c], columns.Count[c]), columns.WeightsOf(c));
            }
        }

        // Pass 2: weighted sums of those rows → output rows.
        var output = new double[outHeight * outWidth];
        for (int r = 0; r < outHeight; r++)
        {
            Span<double> dst = output.AsSpan(r * outWidth, outWidth);
            ReadOnlySpan<double> w = rows.WeightsOf(r);
            for (int k = 0; k < w.Length; k++)
            {
                TensorPrimitives.MultiplyAdd<double>(horizontal.AsSpan((rows.Start[r] + k) * outWidth, outWidth), w[k], dst, dst);
            }
        }

        return output;
    }

    /// <summary>Normalises <paramref name="values"/> in place.</summary>
    internal static void Normalize(Span<double> values, ImageNormalization normalization)
    {
        switch (normalization)
        {
            case ImageNormalization.MinMax:
            {
                double min = TensorPrimitives.Min<double>(values);
                double max = TensorPrimitives.Max<double>(values);
                if (min == max)
                {
                    values.Clear();
                    return;
                }

                TensorPrimitives.Subtract<double>(values, min, values);
                TensorPrimitives.Divide<double>(values, max - min, values);
                return;
            }

            case ImageNormalization.ZScore:
            {
                double min = TensorPrimitives.Min<double>(values);
                double max = TensorPrimitives.Max<double>(values);
                if (min == max)
                {
                    values.Clear();
                    return;
                }

                double mean = TensorPrimitives.Sum<double>(values) / values.Length;
                TensorPrimitives.Subtract<double>(values, mean, values);
                double sd = Math.Sqrt(TensorPrimitives.SumOfSquares<double>(values) / values.Length);
                TensorPrimitives.Divide<double>(values, sd, values);
                return;
            }

            default:
                return;
        }
    }

    private static FeatureSchema BuildSchema(DownsampleOptions options)
    {
        int n = options.Width * options.Height;
        (string unit, double? lo, double? hi, string what) = options.Normalization switch
        {
            ImageNormalization.MinMax => ("1", (double?)0, (double?)1, "min–max normalised to [0, 1]"),
            ImageNormalization.ZScore => ("1", -Math.Sqrt(n - 1), Math.Sqrt(n - 1), "z-score (population standard deviation)"),
            _ => (options.IntensityUnit, null, null, "not normalised"),
        };
        var features = new FeatureDefinition[n];
        for (int r = 0; r < options.Height; r++)
        {
            for (int c = 0; c < options.Width; c++)
            {
                features[r * options.Width + c] = new FeatureDefinition(
                    string.Create(CultureInfo.InvariantCulture, $"pixel.{r}.{c}"), unit,
                    string.Create(CultureInfo.InvariantCulture, $"Area-averaged intensity of output row {r}, column {c}, {what}."),
                    lo, hi);
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["output.width"] = options.Width.ToString(CultureInfo.InvariantCulture),
            ["output.height"] = options.Height.ToString(CultureInfo.InvariantCulture),
            ["method"] = "exact-area-average",
            ["source"] = "roi-bounding-rectangle",
            ["normalization"] = options.Normalization switch
            {
                ImageNormalization.MinMax => "min-max",
                ImageNormalization.ZScore => "z-score",
                _ => "none",
            },
            ["intensity.unit"] = options.IntensityUnit,
        };
        return new FeatureSchema(SchemaName, SchemaVersion, features, parameters);
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>
    /// For each output index along one axis, the contiguous source range it overlaps and the normalised overlap of
    /// each source pixel. In units of 1/(source · output) the footprint of output o is [o·S, (o+1)·S) and source pixel
    /// s covers [s·O, (s+1)·O), so overlaps are exact integers; weight = overlap / S.
    /// </summary>
    private sealed class AxisWeights
    {
        private readonly double[] _weights;
        private readonly int[] _offset;

        private AxisWeights(int[] start, int[] count, int[] offset, double[] weights)
        {
            Start = start;
            Count = count;
            _offset = offset;
            _weights = weights;
        }

        public int[] Start { get; }

        public int[] Count { get; }

        public ReadOnlySpan<double> WeightsOf(int o) => _weights.AsSpan(_offset[o], Count[o]);

        public static AxisWeights Create(int sourceLength, int outputLength)
        {
            long s = sourceLength, o = outputLength;
            var start = new int[outputLength];
            var count = new int[outputLength];
            var offset = new int[outputLength];
            var weights = new List<double>();
            for (int i = 0; i < outputLength; i++)
            {
                long lo = i * s, hi = (i + 1) * s;           // footprint, scaled by O
                int first = (int)(lo / o);                   // first source pixel touching it
                int last = (int)((hi - 1) / o);              // last source pixel touching it
                start[i] = first;
                count[i] = last - first + 1;
                offset[i] = weights.Count;
                for (int p = first; p <= last; p++)
                {
                    long overlap = Math.Min(hi, (p + 1) * o) - Math.Max(lo, p * o);
                    weights.Add((double)overlap / s);
                }
            }

            return new AxisWeights(start, count, offset, [.. weights]);
        }
    }
}

/// <summary>A downsampled, normalised image: its size and its values as a <see cref="FeatureVector"/>.</summary>
public sealed class DownsampledImage
{
    internal DownsampledImage(int width, int height, FeatureVector features)
    {
        Width = width;
        Height = height;
        Features = features;
    }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>The pixel values (row-major, double precision) with their schema.</summary>
    public FeatureVector Features { get; }

    /// <summary>The pixel values, row-major, double precision.</summary>
    public ReadOnlySpan<double> Values => Features.Values;

    /// <summary>The pixel values rounded to single precision, row-major.</summary>
    public float[] ToSingleArray()
    {
        var result = new float[Features.Count];
        TensorPrimitives.ConvertTruncating<double, float>(Features.Values, result);
        return result;
    }

    /// <summary>The pixel values in single precision as a tensor of shape [height, width].</summary>
    public Tensor<float> ToTensor() => Tensor.Create(ToSingleArray(), [Height, Width]);
}
