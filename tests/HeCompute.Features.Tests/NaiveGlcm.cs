namespace HeCompute.Features.Tests;

/// <summary>
/// A second, deliberately plain GLCM implementation: scalar discretisation, a 2-D count matrix filled by visiting every
/// region pixel and looking at its neighbours at +δm and −δm (so the matrix comes out symmetric by construction rather
/// than as M + Mᵀ), and every feature as a double loop over (i, j) straight from the IBSI formulas.
/// </summary>
internal static class NaiveGlcm
{
    public sealed record Features(double JointEnergy, double Contrast, double Correlation, double InverseDifference, double InverseDifferenceMoment, double JointEntropy);

    private static readonly int[,] Directions = { { 1, 0 }, { 1, 1 }, { 0, 1 }, { -1, 1 } };

    /// <summary>Per-direction features (null for a direction with no pair) and their average over the others.</summary>
    public static (Features?[] PerDirection, Features Average) Compute(float[] pixels, bool[] mask, int width, int height, int ng, int distance)
    {
        double min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (mask[i])
            {
                min = Math.Min(min, pixels[i]);
                max = Math.Max(max, pixels[i]);
            }
        }

        var level = new int[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            if (!mask[i])
            {
                continue;
            }

            double x = pixels[i];
            if (x == max)
            {
                level[i] = ng;
            }
            else
            {
                level[i] = Math.Min(ng, (int)Math.Floor(ng * (x - min) / (max - min)) + 1);
            }
        }

        var perDirection = new Features?[4];
        for (int d = 0; d < 4; d++)
        {
            int dx = Directions[d, 0] * distance, dy = Directions[d, 1] * distance;
            var m = new double[ng, ng];
            double total = 0;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    if (!mask[y * width + x])
                    {
                        continue;
                    }

                    foreach (int sign in new[] { 1, -1 })
                    {
                        int qx = x + sign * dx, qy = y + sign * dy;
                        if (qx < 0 || qy < 0 || qx >= width || qy >= height || !mask[qy * width + qx])
                        {
                            continue;
                        }

                        m[level[y * width + x] - 1, level[qy * width + qx] - 1] += 1;
                        total += 1;
                    }
                }
            }

            if (total > 0)
            {
                perDirection[d] = Describe(m, total, ng);
            }
        }

        Features[] present = [.. perDirection.Where(f => f is not null).Select(f => f!)];
        var average = new Features(
            present.Average(f => f.JointEnergy),
            present.Average(f => f.Contrast),
            present.Average(f => f.Correlation),
            present.Average(f => f.InverseDifference),
            present.Average(f => f.InverseDifferenceMoment),
            present.Average(f => f.JointEntropy));
        return (perDirection, average);
    }

    private static Features Describe(double[,] m, double total, int ng)
    {
        var p = new double[ng, ng];
        for (int i = 0; i < ng; i++)
        {
            for (int j = 0; j < ng; j++)
            {
                p[i, j] = m[i, j] / total;
                Assert.Equal(m[i, j], m[j, i]); // symmetric by construction
            }
        }

        double energy = 0, contrast = 0, id = 0, idm = 0, entropy = 0, mu = 0;
        for (int i = 1; i <= ng; i++)
        {
            for (int j = 1; j <= ng; j++)
            {
                double v = p[i - 1, j - 1];
                energy += v * v;
                contrast += (i - j) * (i - j) * v;
                id += v / (1 + Math.Abs(i - j));
                idm += v / (1 + (i - j) * (i - j));
                if (v > 0)
                {
                    entropy -= v * Math.Log2(v);
                }

                mu += i * v;
            }
        }

        double variance = 0, covariance = 0;
        for (int i = 1; i <= ng; i++)
        {
            for (int j = 1; j <= ng; j++)
            {
                double v = p[i - 1, j - 1];
                variance += (i - mu) * (i - mu) * v;
                covariance += (i - mu) * (j - mu) * v;
            }
        }

        return new Features(energy, contrast, variance == 0 ? 1 : covariance / variance, id, idm, entropy);
    }
}
