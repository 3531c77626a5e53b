using System.Numerics.Tensors;

namespace HeCompute.Features;

/// <summary>
/// IBSI intensity-based statistical features and intensity-histogram entropy/uniformity of a region of interest. All
/// arithmetic is in double precision; sums, sums of squares, dot products, extremes and the histogram's bin indices
/// are computed with <see cref="TensorPrimitives"/>.
/// </summary>
/// <remarks>
/// Percentiles (P10, P25, median, P75, P90) use linear interpolation between order statistics, Hyndman–Fan definition
/// 7 (numpy's default): with the <c>N</c> values sorted, <c>h = (N − 1)·p/100</c> and the percentile is
/// <c>x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])</c>. IBSI does not name an estimator; this one reproduces the IBSI
/// digital phantom's consensus values (P90 = 4, where MATLAB-style definition 5 gives 4.2).
/// The histogram is IBSI's fixed bin size discretisation: bin = ⌊(x − X_min)/w⌋ + 1.
/// </remarks>
public static class FirstOrderStatistics
{
    private const int Chunk = 4096;

    /// <summary>Computes the features of the region of a frame.</summary>
    /// <param name="pixels">The frame, row-major (modality values, e.g. HU).</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="roi">Region of interest.</param>
    /// <param name="options">Histogram and re-segmentation settings (the GLCM settings are not used).</param>
    public static FirstOrderFeatures Compute(
        ReadOnlySpan<float> pixels, int width, int height, RegionOfInterest roi, RadiomicsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RoiSample sample = RoiSample.Gather(pixels, width, height, roi, options.Resegmentation);
        return FromValues(sample.Values, options.HistogramBinWidth, options.FixedHistogramLowerBound);
    }

    /// <summary>Computes the features of a set of intensities (the region's pixels, in any order).</summary>
    /// <param name="values">The intensities, all finite, at least one.</param>
    /// <param name="binWidth">Histogram bin width, &gt; 0.</param>
    /// <param name="binLowerBound">Histogram lower bound; null for the minimum of <paramref name="values"/>.</param>
    public static FirstOrderFeatures FromValues(ReadOnlySpan<double> values, double binWidth, double? binLowerBound = null)
    {
        if (values.IsEmpty)
        {
            throw new FeatureExtractionException("No intensities to describe.");
        }

        if (!(binWidth > 0) || !double.IsFinite(binWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(binWidth), binWidth, "The histogram bin width must be finite and > 0.");
        }

        int n = values.Length;
        double min = TensorPrimitives.Min(values);
        double max = TensorPrimitives.Max(values);
        double sum = TensorPrimitives.Sum(values);
        if (!double.IsFinite(sum) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new FeatureExtractionException("The intensities must be finite.");
        }

        double energy = TensorPrimitives.SumOfSquares(values);
        double mean, variance, skewness, kurtosis, mad;
        var deviations = new double[n];
        if (min == max)
        {
            // A constant region: the mean is the value itself (Σx/N can round away from it) and IBSI sets the
            // skewness and kurtosis of a zero-variance distribution to 0.
            mean = min;
            variance = skewness = kurtosis = mad = 0;
        }
        else
        {
            mean = sum / n;
            TensorPrimitives.Subtract(values, mean, deviations);
            double m2 = TensorPrimitives.SumOfSquares<double>(deviations) / n;
            var squares = new double[n];
            TensorPrimitives.Multiply<double>(deviations, deviations, squares);
            double m3 = TensorPrimitives.Dot<double>(deviations, squares) / n;
            double m4 = TensorPrimitives.SumOfSquares<double>(squares) / n;
            TensorPrimitives.Abs<double>(deviations, deviations);
            mad = TensorPrimitives.Sum<double>(deviations) / n;
            variance = m2;
            skewness = m2 == 0 ? 0 : m3 / Math.Pow(m2, 1.5);
            kurtosis = m2 == 0 ? 0 : m4 / (m2 * m2) - 3;
        }

        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        double p10 = Percentiles.Of(sorted, 10);
        double p25 = Percentiles.Of(sorted, 25);
        double median = Percentiles.Of(sorted, 50);
        double p75 = Percentiles.Of(sorted, 75);
        double p90 = Percentiles.Of(sorted, 90);
        double robustMad = RobustMeanAbsoluteDeviation(sorted, p10, p90, deviations);

        double lowerBound = binLowerBound ?? min;
        if (!double.IsFinite(lowerBound))
        {
            throw new ArgumentOutOfRangeException(nameof(binLowerBound), binLowerBound, "The histogram lower bound must be finite.");
        }

        (double entropy, double uniformity, int bins) = Histogram(sorted, lowerBound, binWidth);

        return new FirstOrderFeatures
        {
            PixelCount = n,
            Mean = mean,
            Variance = variance,
            Skewness = skewness,
            Kurtosis = kurtosis,
            Median = median,
            Minimum = min,
            Percentile10 = p10,
            Percentile90 = p90,
            Maximum = max,
            InterquartileRange = p75 - p25,
            Range = max - min,
            MeanAbsoluteDeviation = mad,
            RobustMeanAbsoluteDeviation = robustMad,
            Energy = energy,
            RootMeanSquare = Math.Sqrt(energy / n),
            Entropy = entropy,
            Uniformity = uniformity,
            HistogramLowerBound = lowerBound,
            HistogramBinWidth = binWidth,
            HistogramOccupiedBins = bins,
        };
    }

    /// <summary>Mean absolute deviation of the sorted values in [p10, p90] from their own mean.</summary>
    private static double RobustMeanAbsoluteDeviation(double[] sorted, double p10, double p90, double[] scratch)
    {
        int first = LowerBound(sorted, p10);
        int end = UpperBound(sorted, p90);
        int count = end - first;
        if (count <= 0)
        {
            return 0;
        }

        ReadOnlySpan<double> kept = sorted.AsSpan(first, count);
        if (kept[0] == kept[^1])
        {
            return 0;
        }

        double keptMean = TensorPrimitives.Sum(kept) / count;
        Span<double> dev = scratch.AsSpan(0, count);
        TensorPrimitives.Subtract(kept, keptMean, dev);
        TensorPrimitives.Abs<double>(dev, dev);
        return TensorPrimitives.Sum<double>(dev) / count;
    }

    /// <summary>First index whose value is ≥ <paramref name="bound"/>.</summary>
    private static int LowerBound(double[] sorted, double bound)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] < bound)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>First index whose value is &gt; <paramref name="bound"/>.</summary>
    private static int UpperBound(double[] sorted, double bound)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] <= bound)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Entropy and uniformity of the fixed-bin-width histogram of the ascending values. Bin indices
    /// ⌊(x − lowerBound)/w⌋ (+1, which does not change the counts) are computed chunk by chunk with
    /// <see cref="TensorPrimitives"/>; because the map is monotone the bins of sorted values form consecutive runs, so
    /// the counts are run lengths and no per-bin array is needed however wide the intensity range is.
    /// </summary>
    private static (double Entropy, double Uniformity, int Bins) Histogram(double[] sorted, double lowerBound, double width)
    {
        int n = sorted.Length;
        double entropy = 0, uniformity = 0;
        int bins = 0;
        double currentBin = double.NaN;
        long run = 0;
        var buffer = new double[Math.Min(Chunk, n)];
        for (int start = 0; start < n; start += Chunk)
        {
            int length = Math.Min(Chunk, n - start);
            Span<double> chunk = buffer.AsSpan(0, length);
            TensorPrimitives.Subtract(sorted.AsSpan(start, length), lowerBound, chunk);
            TensorPrimitives.Divide<double>(chunk, width, chunk);
            TensorPrimitives.Floor<double>(chunk, chunk);
            if (start == 0 && chunk[0] < 0)
            {
                throw new FeatureExtractionException(
                    $"The region's minimum intensity {sorted[0]} lies below the histogram lower bound {lowerBound}.");
            }

            foreach (double bin in chunk)
            {
                if (bin == currentBin)
                {
                    run++;
                    continue;
                }

                if (run > 0)
                {
                    Accumulate(run, n, ref entropy, ref uniformity);
                }

                currentBin = bin;
                run = 1;
                bins++;
            }
        }

        Accumulate(run, n, ref entropy, ref uniformity);
        return (entropy, uniformity, bins);

        static void Accumulate(long count, int total, ref double entropy, ref double uniformity)
        {
            double p = (double)count / total;
            entropy -= p * Math.Log2(p);
            uniformity += p * p;
        }
    }
}
