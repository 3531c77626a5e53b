using System.Numerics.Tensors;

namespace HeCompute.Features;

/// <summary>
/// Grey level co-occurrence matrix (GLCM) texture features in 2-D, per IBSI section "Grey level co-occurrence based
/// features" and Haralick et al. (1973).
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>The region's intensities (after optional re-segmentation) are discretised with IBSI's fixed bin number
/// method: <c>d = ⌊N_g (x − X_min)/(X_max − X_min)⌋ + 1</c>, and <c>d = N_g</c> for <c>x = X_max</c>, with
/// <c>X_min</c>, <c>X_max</c> the region's extremes (a constant region is all <c>N_g</c>).</item>
/// <item>For each direction <c>m</c> of <see cref="GlcmDirection"/>, scaled by the distance δ, the matrix counts the
/// pixel pairs (p, p + δm) with both pixels in the region, and is made symmetric: <c>M = M₊ + M₊ᵀ</c>. Pixels outside
/// the region never count, even as neighbours.</item>
/// <item>Each matrix is normalised by its sum; the features of each direction are averaged over the directions that
/// have at least one pair.</item>
/// </list>
/// </remarks>
public static class GlcmTexture
{
    private static readonly (int Dx, int Dy)[] Vectors = [(1, 0), (1, 1), (0, 1), (-1, 1)];

    /// <summary>Computes the GLCM features of the region of a frame.</summary>
    /// <param name="pixels">The frame, row-major.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="roi">Region of interest.</param>
    /// <param name="options">Grey levels, distance and re-segmentation (the histogram settings are not used).</param>
    public static GlcmFeatures Compute(
        ReadOnlySpan<float> pixels, int width, int height, RegionOfInterest roi, RadiomicsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RoiSample sample = RoiSample.Gather(pixels, width, height, roi, options.Resegmentation);
        return Compute(sample, options.GlcmGreyLevels, options.GlcmDistance);
    }

    /// <summary>
    /// Computes the GLCM features of an already discretised frame: <paramref name="levels"/> holds 1 … N_g for pixels
    /// in the region and 0 for pixels outside it.
    /// </summary>
    public static GlcmFeatures FromLevels(ReadOnlySpan<int> levels, int width, int height, int greyLevels, int distance)
    {
        ImageGeometry.Validate(levels.Length, width, height, "level image");
        ArgumentOutOfRangeException.ThrowIfLessThan(greyLevels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(greyLevels, RadiomicsOptions.MaxGlcmGreyLevels);
        ArgumentOutOfRangeException.ThrowIfLessThan(distance, 1);
        foreach (int level in levels)
        {
            if ((uint)level > (uint)greyLevels)
            {
                throw new ArgumentException($"Grey levels must be 0 (outside the region) or 1 … {greyLevels}; found {level}.", nameof(levels));
            }
        }

        return FromLevelImage(levels, width, height, greyLevels, distance);
    }

    internal static GlcmFeatures Compute(RoiSample sample, int greyLevels, int distance)
    {
        int[] levelImage = new int[sample.Width * sample.Height];
        int[] levels = Discretise(sample.Values, greyLevels);
        int[] indices = sample.Indices;
        for (int k = 0; k < indices.Length; k++)
        {
            levelImage[indices[k]] = levels[k];
        }

        return FromLevelImage(levelImage, sample.Width, sample.Height, greyLevels, distance);
    }

    /// <summary>IBSI fixed bin number discretisation of the region's intensities to 1 … <paramref name="greyLevels"/>.</summary>
    internal static int[] Discretise(ReadOnlySpan<double> values, int greyLevels)
    {
        var levels = new int[values.Length];
        double min = TensorPrimitives.Min(values);
        double max = TensorPrimitives.Max(values);
        if (min == max)
        {
            levels.AsSpan().Fill(greyLevels);
            return levels;
        }

        double range = max - min;
        var scaled = new double[values.Length];
        TensorPrimitives.Subtract(values, min, scaled);
        TensorPrimitives.Multiply<double>(scaled, greyLevels, scaled);
        TensorPrimitives.Divide<double>(scaled, range, scaled);
        TensorPrimitives.Floor<double>(scaled, scaled);
        for (int k = 0; k < levels.Length; k++)
        {
            // x = X_max maps to N_g by definition; the clamp also catches x just below X_max rounding up to N_g.
            levels[k] = values[k] == max ? greyLevels : Math.Min(greyLevels, (int)scaled[k] + 1);
        }

        return levels;
    }

    private static GlcmFeatures FromLevelImage(ReadOnlySpan<int> levelImage, int width, int height, int ng, int distance)
    {
        var weights = new Weights(ng);
        var counts = new long[ng * ng];
        var probabilities = new double[ng * ng];
        var perDirection = new List<GlcmDirectionValues>(4);
        for (int d = 0; d < Vectors.Length; d++)
        {
            counts.AsSpan().Clear();
            long pairs = CountPairs(levelImage, width, height, ng, Vectors[d].Dx * distance, Vectors[d].Dy * distance, counts);
            if (pairs == 0)
            {
                continue;
            }

            // Symmetric matrix M = M₊ + M₊ᵀ, normalised by its sum 2·pairs.
            double total = 2.0 * pairs;
            for (int i = 0; i < ng; i++)
            {
                for (int j = 0; j < ng; j++)
                {
                    probabilities[i * ng + j] = (counts[i * ng + j] + counts[j * ng + i]) / total;
                }
            }

            perDirection.Add(Describe(probabilities, ng, weights, (GlcmDirection)d, pairs));
        }

        if (perDirection.Count == 0)
        {
            throw new FeatureExtractionException(
                $"The region has no pair of pixels at distance {distance} in any direction; the GLCM is empty.");
        }

        double count = perDirection.Count;
        double energy = 0, contrast = 0, correlation = 0, id = 0, idm = 0, entropy = 0;
        foreach (GlcmDirectionValues v in perDirection)
        {
            energy += v.JointEnergy;
            contrast += v.Contrast;
            correlation += v.Correlation;
            id += v.InverseDifference;
            idm += v.InverseDifferenceMoment;
            entropy += v.JointEntropy;
        }

        return new GlcmFeatures
        {
            GreyLevels = ng,
            Distance = distance,
            Directions = perDirection,
            JointEnergy = energy / count,
            Contrast = contrast / count,
            Correlation = correlation / count,
            InverseDifference = id / count,
            InverseDifferenceMoment = idm / count,
            JointEntropy = entropy / count,
        };
    }

    /// <summary>Counts ordered pairs (p, p + (dx, dy)) with both pixels in the region into <paramref name="counts"/>.</summary>
    private static long CountPairs(ReadOnlySpan<int> levels, int width, int height, int ng, int dx, int dy, long[] counts)
    {
        int xStart = Math.Max(0, -dx);
        int xEnd = Math.Min(width, width - dx);
        int yEnd = height - dy;
        long pairs = 0;
        for (int y = 0; y < yEnd; y++)
        {
            ReadOnlySpan<int> row = levels.Slice(y * width, width);
            ReadOnlySpan<int> next = levels.Slice((y + dy) * width, width);
            for (int x = xStart; x < xEnd; x++)
            {
                int a = row[x];
                int b = next[x + dx];
                if (a != 0 && b != 0)
                {
                    counts[(a - 1) * ng + (b - 1)]++;
                    pairs++;
                }
            }
        }

        return pairs;
    }

    private static GlcmDirectionValues Describe(double[] p, int ng, Weights w, GlcmDirection direction, long pairs)
    {
        ReadOnlySpan<double> matrix = p;
        double energy = TensorPrimitives.SumOfSquares(matrix);
        double contrast = TensorPrimitives.Dot(matrix, w.SquaredDifference);
        double id = TensorPrimitives.Dot(matrix, w.InverseDifference);
        double idm = TensorPrimitives.Dot(matrix, w.InverseSquaredDifference);

        // Joint entropy over the non-zero entries.
        var nonZero = new double[p.Length];
        int nz = 0;
        foreach (double value in matrix)
        {
            if (value > 0)
            {
                nonZero[nz++] = value;
            }
        }

        Span<double> pz = nonZero.AsSpan(0, nz);
        var logs = new double[nz];
        TensorPrimitives.Log2<double>(pz, logs);
        double entropy = -TensorPrimitives.Dot<double>(pz, logs);

        // Correlation from the row marginal (equal to the column marginal: the matrix is symmetric).
        var marginal = new double[ng];
        for (int i = 0; i < ng; i++)
        {
            marginal[i] = TensorPrimitives.Sum(matrix.Slice(i * ng, ng));
        }

        double mu = TensorPrimitives.Dot<double>(marginal, w.Levels);
        var deviation = new double[ng];
        TensorPrimitives.Subtract(w.Levels, mu, deviation);
        var squared = new double[ng];
        TensorPrimitives.Multiply<double>(deviation, deviation, squared);
        double variance = TensorPrimitives.Dot<double>(squared, marginal);
        double correlation;
        if (variance == 0)
        {
            correlation = 1;
        }
        else
        {
            double covariance = 0;
            for (int i = 0; i < ng; i++)
            {
                if (marginal[i] != 0)
                {
                    covariance += deviation[i] * TensorPrimitives.Dot<double>(matrix.Slice(i * ng, ng), deviation);
                }
            }

            correlation = covariance / variance;
        }

        return new GlcmDirectionValues
        {
            Direction = direction,
            PairCount = pairs,
            JointEnergy = energy,
            Contrast = contrast,
            Correlation = correlation,
            InverseDifference = id,
            InverseDifferenceMoment = idm,
            JointEntropy = entropy,
        };
    }

    /// <summary>Element-wise weights of the matrix features for N_g grey levels (row-major, i and j from 1).</summary>
    private sealed class Weights
    {
        public Weights(int ng)
        {
            Levels = new double[ng];
            SquaredDifference = new double[ng * ng];
            InverseDifference = new double[ng * ng];
            InverseSquaredDifference = new double[ng * ng];
            for (int i = 0; i < ng; i++)
            {
                Levels[i] = i + 1;
                for (int j = 0; j < ng; j++)
                {
                    double diff = i - j;
                    SquaredDifference[i * ng + j] = diff * diff;
                    InverseDifference[i * ng + j] = 1.0 / (1.0 + Math.Abs(diff));
                    InverseSquaredDifference[i * ng + j] = 1.0 / (1.0 + diff * diff);
                }
            }
        }

        public double[] Levels { get; }

        public double[] SquaredDifference { get; }

        public double[] InverseDifference { get; }

        public double[] InverseSquaredDifference { get; }
    }
}
