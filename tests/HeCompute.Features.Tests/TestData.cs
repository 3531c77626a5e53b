namespace HeCompute.Features.Tests;

/// <summary>Deterministic pseudo-random numbers (SplitMix64), independent of the runtime's Random.</summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public int Next(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>Synthetic frames and masks for the tests.</summary>
internal static class TestData
{
    /// <summary>
    /// A CT-like slice in HU: air around an elliptical body of soft tissue with a fat layer, a few bone disks, and
    /// Gaussian noise; fractional values (stored as float, like modality values after a non-integer rescale).
    /// </summary>
    public static float[] CtLike(int width, int height, ulong seed, bool integerValued = false)
    {
        var rng = new SplitMix64(seed);
        var pixels = new float[width * height];
        double cx = width * (0.45 + 0.1 * rng.NextDouble()), cy = height * (0.45 + 0.1 * rng.NextDouble());
        double rx = width * 0.38, ry = height * 0.33;
        var bones = new (double X, double Y, double R)[3];
        for (int b = 0; b < bones.Length; b++)
        {
            bones[b] = (cx + (rng.NextDouble() - 0.5) * rx, cy + (rng.NextDouble() - 0.5) * ry, 1.5 + rng.NextDouble() * Math.Min(width, height) * 0.06);
        }

        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double ex = (x - cx) / rx, ey = (y - cy) / ry, e = ex * ex + ey * ey;
                double v;
                if (e > 1)
                {
                    v = -1000 + 15 * rng.Normal();
                }
                else if (e > 0.8)
                {
                    v = -100 + 20 * rng.Normal();
                }
                else
                {
                    v = 40 + 30 * rng.Normal() + 25 * Math.Sin(x * 0.3) * Math.Cos(y * 0.2);
                }

                foreach ((double bx, double by, double br) in bones)
                {
                    if ((x - bx) * (x - bx) + (y - by) * (y - by) < br * br)
                    {
                        v = 900 + 150 * rng.Normal();
                    }
                }

                pixels[y * width + x] = integerValued ? (float)Math.Round(v) : (float)(v + 0.001 * rng.Normal());
            }
        }

        return pixels;
    }

    /// <summary>An elliptical blob with a few holes, inside the frame.</summary>
    public static bool[] BlobMask(int width, int height, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var mask = new bool[width * height];
        double cx = width * (0.4 + 0.2 * rng.NextDouble()), cy = height * (0.4 + 0.2 * rng.NextDouble());
        double rx = width * (0.25 + 0.15 * rng.NextDouble()), ry = height * (0.25 + 0.15 * rng.NextDouble());
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double ex = (x - cx) / rx, ey = (y - cy) / ry;
                double wobble = 0.15 * Math.Sin(5 * Math.Atan2(ey, ex));
                mask[y * width + x] = ex * ex + ey * ey <= 1 + wobble && rng.NextDouble() > 0.04;
            }
        }

        return mask;
    }

    /// <summary>Random pixels in [lo, hi).</summary>
    public static float[] Uniform(int width, int height, ulong seed, double lo, double hi)
    {
        var rng = new SplitMix64(seed);
        var pixels = new float[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        }

        return pixels;
    }

    /// <summary>The mask of a rectangle.</summary>
    public static bool[] RectangleMask(int width, int height, int x0, int y0, int w, int h)
    {
        var mask = new bool[width * height];
        for (int y = y0; y < y0 + h; y++)
        {
            for (int x = x0; x < x0 + w; x++)
            {
                mask[y * width + x] = true;
            }
        }

        return mask;
    }

    /// <summary>Packs masks one bit per pixel, frames back to back, bit 0 first (DICOM Bits Allocated 1).</summary>
    public static byte[] PackBits(IReadOnlyList<bool[]> frames)
    {
        long bits = 0;
        foreach (bool[] f in frames)
        {
            bits += f.Length;
        }

        var packed = new byte[(bits + 7) / 8];
        long k = 0;
        foreach (bool[] f in frames)
        {
            foreach (bool b in f)
            {
                if (b)
                {
                    packed[k >> 3] |= (byte)(1 << (int)(k & 7));
                }

                k++;
            }
        }

        return packed;
    }

    /// <summary>
    /// The IBSI digital phantom (5 × 4 × 4 voxels, x × y × z), read from the figure of the IBSI reference manual
    /// ("Exploded view of the test volume"): [z][y][x] grey levels, 0 marking the 6 voxels excluded from the ROI.
    /// 74 voxels remain, with grey levels 1, 3, 4 and 6 (2 and 5 absent), as the manual describes.
    /// </summary>
    public static readonly int[][][] IbsiPhantom =
    [
        [[1, 4, 4, 1, 1], [1, 4, 6, 1, 1], [4, 1, 6, 4, 1], [4, 4, 6, 4, 1]],
        [[1, 4, 4, 1, 1], [1, 1, 6, 1, 1], [0, 1, 3, 1, 1], [4, 4, 6, 1, 1]],
        [[1, 4, 4, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 1, 1], [1, 1, 6, 1, 1]],
        [[1, 4, 4, 0, 0], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 6, 1, 1]],
    ];

    /// <summary>Slice <paramref name="z"/> of the phantom as a 5 × 4 frame and its ROI mask (excluded voxels get intensity 1, as in the figure, and are masked out).</summary>
    public static (float[] Pixels, bool[] Mask) PhantomSlice(int z)
    {
        var pixels = new float[20];
        var mask = new bool[20];
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                int v = IbsiPhantom[z][y][x];
                pixels[y * 5 + x] = v == 0 ? (z == 2 && y == 2 && x == 2 ? 9 : 1) : v;
                mask[y * 5 + x] = v != 0;
            }
        }

        return (pixels, mask);
    }

    /// <summary>The four slices side by side as one 20 × 4 frame (for features that ignore spatial arrangement).</summary>
    public static (float[] Pixels, bool[] Mask) PhantomMosaic()
    {
        var pixels = new float[80];
        var mask = new bool[80];
        for (int z = 0; z < 4; z++)
        {
            (float[] p, bool[] m) = PhantomSlice(z);
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 5; x++)
                {
                    pixels[y * 20 + z * 5 + x] = p[y * 5 + x];
                    mask[y * 20 + z * 5 + x] = m[y * 5 + x];
                }
            }
        }

        return (pixels, mask);
    }
}
