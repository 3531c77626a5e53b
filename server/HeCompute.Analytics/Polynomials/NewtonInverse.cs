namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// 1/x on [a, b] with 0 &lt; a: a Chebyshev initial guess y_0 followed by Newton's iteration
/// y ← y·(2 − x·y) = 2y − (x·y)·y, which squares the relative error e = 1 − x·y at each step.
/// </summary>
/// <remarks>
/// Depth: the initial guess's (see <see cref="PolynomialEvaluator"/>) plus 2 per iteration. Each iteration computes
/// (x′·y)·y with x′ = x × 1 encoded so that, after two rescales, the result lands exactly on the target scale; the
/// copy x′ comes from x's own spare levels (x always sits above y), so it costs no depth.
/// </remarks>
public sealed class NewtonInverse : FunctionApproximation
{
    /// <summary>Builds the approximation: an initial interpolant of degree <paramref name="initialDegree"/>, then <paramref name="iterations"/> steps.</summary>
    public NewtonInverse(double lower, double upper, int initialDegree, int iterations)
        : base($"1/x (Chebyshev degree {initialDegree} + {iterations} Newton steps)", lower, upper)
    {
        if (!(lower > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lower), lower, "1/x is approximated on an interval of positive numbers.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(initialDegree, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        Initial = ChebyshevSeries.Interpolate(x => 1 / x, lower, upper, initialDegree);
        Iterations = iterations;
    }

    /// <summary>The initial guess.</summary>
    public ChebyshevSeries Initial { get; }

    /// <summary>Number of Newton steps.</summary>
    public int Iterations { get; }

    /// <inheritdoc/>
    public override double Reference(double x) => 1 / x;

    /// <inheritdoc/>
    public override double EvaluatePlain(double x)
    {
        var y = Initial.Evaluate(x);
        for (var i = 0; i < Iterations; i++)
        {
            y = (2 * y) - (x * y * y);
        }

        return y;
    }

    /// <inheritdoc/>
    internal override ChebyshevSeries FirstSeries => Initial;

    /// <inheritdoc/>
    internal override T Run<T>(ILeveledArithmetic<T> ops, T input, double targetScale)
    {
        var y = ChebyshevAlgorithm<T>.Evaluate(ops, input, Initial, targetScale);
        for (var i = 0; i < Iterations; i++)
        {
            y = NewtonStep.Inverse(ops, input, y, targetScale);
        }

        return y;
    }
}
