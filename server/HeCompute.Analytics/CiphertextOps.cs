using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics;

/// <summary>Small operations the blocks share: level alignment, exact-scale products and scale snapping.</summary>
internal static class CiphertextOps
{
    /// <summary>
    /// Largest relative difference between a tracked scale and the scale a block aims for that is still treated as
    /// floating-point rounding (the products and quotients of scales are computed in double precision).
    /// </summary>
    internal const double ScaleTolerance = 1e-9;

    /// <summary>Sets the scale to <paramref name="expected"/> after checking it differs only by rounding.</summary>
    public static void Snap(Ciphertext ciphertext, double expected)
    {
        if (!ScalesClose(ciphertext.Scale, expected))
        {
            throw new InvalidOperationException($"Scale bookkeeping error: the ciphertext has scale {ciphertext.Scale}, the block expected {expected}.");
        }

        ciphertext.Scale = expected;
    }

    public static bool ScalesClose(double a, double b) => Math.Abs(a - b) <= ScaleTolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>The ciphertext itself if it is at <paramref name="level"/>, else a copy switched down to it.</summary>
    public static Ciphertext AtLevel(EvaluationContext context, Ciphertext ciphertext, int level)
    {
        var current = context.LevelOf(ciphertext);
        if (current == level)
        {
            return ciphertext;
        }

        if (current < level)
        {
            throw new InvalidOperationException($"A ciphertext at level {current} cannot be raised to level {level}.");
        }

        var result = new Ciphertext();
        context.Evaluator.ModSwitchTo(ciphertext, context.ParmsIdAt(level), result);
        return result;
    }

    /// <summary>a ± b into a new ciphertext; scales that differ only by rounding are treated as equal (a's is kept).</summary>
    public static Ciphertext Add(EvaluationContext context, Ciphertext a, Ciphertext b, bool subtract = false)
    {
        var right = Aligned(a.Scale, b);
        var result = new Ciphertext();
        if (subtract)
        {
            context.Evaluator.Sub(a, right, result);
        }
        else
        {
            context.Evaluator.Add(a, right, result);
        }

        return result;
    }

    /// <summary>b itself if its scale equals <paramref name="scale"/>, else a copy declared at that scale (operands are never modified).</summary>
    private static Ciphertext Aligned(double scale, Ciphertext b)
    {
        if (b.Scale == scale)
        {
            return b;
        }

        if (!ScalesClose(scale, b.Scale))
        {
            throw new InvalidOperationException($"Scale bookkeeping error: adding scales {scale} and {b.Scale}.");
        }

        return new Ciphertext(b) { Scale = scale };
    }

    /// <summary>
    /// The scale a plaintext must be encoded at so that multiplying a ciphertext of scale <paramref name="inputScale"/>
    /// at <paramref name="level"/> and rescaling lands exactly on <paramref name="outputScale"/>: outputScale·q_ℓ/inputScale.
    /// </summary>
    public static double PlainScaleFor(EvaluationContext context, int level, double inputScale, double outputScale) =>
        outputScale == inputScale ? context.RescalePrime(level) : outputScale * context.RescalePrime(level) / inputScale;

    /// <summary>The checks an input ciphertext must pass: size 2 (relinearized) and a level above 0 when a level is consumed.</summary>
    public static int CheckInput(EvaluationContext context, Ciphertext ciphertext, int levelsNeeded, string name)
    {
        ArgumentNullException.ThrowIfNull(ciphertext, name);
        var level = context.LevelOf(ciphertext);
        if (ciphertext.Size != 2)
        {
            throw new ArgumentException($"{name} has size {ciphertext.Size}; relinearize it first.", name);
        }

        if (level < levelsNeeded)
        {
            throw new InsufficientLevelsException(levelsNeeded, level);
        }

        return level;
    }
}
