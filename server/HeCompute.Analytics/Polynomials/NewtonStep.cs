namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// The Newton steps, with exact scales: each step's output lands on the target scale S. The input x always sits at
/// least one level above the iterate y, and a copy x′ = x × (c encoded at σ), rescaled, is prepared at y's level with
/// the scale that makes the step's products land on S — the constant c (1 or 0.5) rides along for free.
/// </summary>
internal static class NewtonStep
{
    /// <summary>y ← 2y − (x·y)·y: level ℓ(y) − 2, scale exactly S.</summary>
    public static T Inverse<T>(ILeveledArithmetic<T> ops, T x, T y, double targetScale)
        where T : class
    {
        var context = ops.Context;
        var level = RequireLevels(ops, x, y);
        var sy = ops.Scale(y);
        var sa = targetScale * context.RescalePrime(level - 1) / sy;
        var xs = ScaledInput(ops, x, level, sa * context.RescalePrime(level) / sy, 1.0);
        var a = Snap(ops, ops.Rescale(ops.Multiply(xs, y)), sa);
        var yLow = ops.ModSwitchTo(y, level - 1);
        var product = ops.Multiply(a, yLow);
        var doubled = ops.MultiplyConstant(yLow, 2.0, ops.Scale(product) / sy);
        return Snap(ops, ops.Rescale(ops.Subtract(doubled, product)), targetScale);
    }

    /// <summary>y ← 1.5·y − (0.5·x·y)·y²: level ℓ(y) − 2, scale exactly S.</summary>
    public static T InverseSqrt<T>(ILeveledArithmetic<T> ops, T x, T y, double targetScale)
        where T : class
    {
        var context = ops.Context;
        var level = RequireLevels(ops, x, y);
        var sy = ops.Scale(y);
        var square = ops.Rescale(ops.Multiply(y, y));
        var sb = ops.Scale(square);
        var sa = targetScale * context.RescalePrime(level - 1) / sb;
        var xs = ScaledInput(ops, x, level, sa * context.RescalePrime(level) / sy, 0.5);
        var a = Snap(ops, ops.Rescale(ops.Multiply(xs, y)), sa);
        var product = ops.Multiply(a, square);
        var yLow = ops.ModSwitchTo(y, level - 1);
        var scaled = ops.MultiplyConstant(yLow, 1.5, ops.Scale(product) / sy);
        return Snap(ops, ops.Rescale(ops.Subtract(scaled, product)), targetScale);
    }

    /// <summary>x·y: level ℓ(y) − 1, scale exactly S.</summary>
    public static T MultiplyByInput<T>(ILeveledArithmetic<T> ops, T x, T y, double targetScale)
        where T : class
    {
        var level = ops.Level(y);
        if (level < 1 || ops.Level(x) <= level)
        {
            throw new InsufficientLevelsException(1, level);
        }

        var sy = ops.Scale(y);
        var xs = ScaledInput(ops, x, level, targetScale * ops.Context.RescalePrime(level) / sy, 1.0);
        return Snap(ops, ops.Rescale(ops.Multiply(xs, y)), targetScale);
    }

    /// <summary>c·x at <paramref name="level"/> with scale exactly <paramref name="scale"/>, made one level above and rescaled.</summary>
    private static T ScaledInput<T>(ILeveledArithmetic<T> ops, T x, int level, double scale, double constant)
        where T : class
    {
        var above = ops.ModSwitchTo(x, level + 1);
        var plainScale = scale * ops.Context.RescalePrime(level + 1) / ops.Scale(x);
        return Snap(ops, ops.Rescale(ops.MultiplyConstant(above, constant, plainScale)), scale);
    }

    private static int RequireLevels<T>(ILeveledArithmetic<T> ops, T x, T y)
        where T : class
    {
        var level = ops.Level(y);
        if (level < 2)
        {
            throw new InsufficientLevelsException(2, level);
        }

        if (ops.Level(x) <= level)
        {
            throw new InvalidOperationException("The Newton step needs the input x above the iterate's level.");
        }

        return level;
    }

    private static T Snap<T>(ILeveledArithmetic<T> ops, T value, double expected)
        where T : class
    {
        var actual = ops.Scale(value);
        if (actual == expected)
        {
            return value;
        }

        if (!CiphertextOps.ScalesClose(actual, expected))
        {
            throw new InvalidOperationException($"Scale bookkeeping error: {actual} where {expected} was expected.");
        }

        return ops.WithScale(value, expected);
    }
}
