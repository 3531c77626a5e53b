namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// 1/√x on [a, b] with 0 &lt; a: a Chebyshev initial guess y_0 followed by Newton's iteration
/// y ← y·(3 − x·y²)/2 = 1.5·y − (0.5·x·y)·y², whose relative error goes to about 1.5·e² per step.
/// </summary>
/// <remarks>Depth: the initial guess's plus 2 per iteration ((0.5·x·y) and y² are computed side by side).</remarks>
public sealed class NewtonInverseSqrt : FunctionApproximation
{
    /// <summary>Builds the approximation: an initial interpolant of degree <paramref name="initialDegree"/>, then <paramref name="iterations"/> steps.</summary>
    public NewtonInverseSqrt(double lower, double upper, int initialDegree, int iterations)
        : base($"1/sqrt(x) (Chebyshev degree {initialDegree} + {iterations} Newton steps)", lower, upper)
    {
        if (!(lower > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lower), lower, "1/√x is approximated on an interval of positive numbers.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(initialDegree, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        Initial = ChebyshevSeries.Interpolate(x => 1 / Math.Sqrt(x), lower, upper, initialDegree);
        Iterations = iterations;
    }

    /// <summary>The initial guess.</summary>
    public ChebyshevSeries Initial { get; }

    /// <summary>Number of Newton steps.</summary>
    public int Iterations { get; }

    /// <inheritdoc/>
    public override double Reference(double x) => 1 / Math.Sqrt(x);

    /// <inheritdoc/>
    public override double EvaluatePlain(double x) => Iterate(Initial, Iterations, x);

    internal static double Iterate(ChebyshevSeries initial, int iterations, double x)
    {
        var y = initial.Evaluate(x);
        for (var i = 0; i < iterations; i++)
        {
            y = (1.5 * y) - (0.5 * x * y * (y * y));
        }

        return y;
    }

    /// <inheritdoc/>
    internal override ChebyshevSeries FirstSeries => Initial;

    /// <inheritdoc/>
    internal override T Run<T>(ILeveledArithmetic<T> ops, T input, double targetScale) => Circuit(ops, input, Initial, Iterations, targetScale);

    internal static T Circuit<T>(ILeveledArithmetic<T> ops, T input, ChebyshevSeries initial, int iterations, double targetScale)
        where T : class
    {
        var y = ChebyshevAlgorithm<T>.Evaluate(ops, input, initial, targetScale);
        for (var i = 0; i < iterations; i++)
        {
            y = NewtonStep.InverseSqrt(ops, input, y, targetScale);
        }

        return y;
    }
}
