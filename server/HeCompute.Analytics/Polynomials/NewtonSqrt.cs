namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// √x on [a, b] with 0 &lt; a, as x·(1/√x): <see cref="NewtonInverseSqrt"/>'s circuit followed by one product with x
/// (x′ encoded so the product lands exactly on the target scale).
/// </summary>
/// <remarks>Depth: the inverse square root's plus 1.</remarks>
public sealed class NewtonSqrt : FunctionApproximation
{
    /// <summary>Builds the approximation: an initial interpolant of 1/√x of degree <paramref name="initialDegree"/>, <paramref name="iterations"/> steps, then × x.</summary>
    public NewtonSqrt(double lower, double upper, int initialDegree, int iterations)
        : base($"sqrt(x) (x times Chebyshev degree {initialDegree} + {iterations} Newton steps for 1/sqrt(x))", lower, upper)
    {
        if (!(lower > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lower), lower, "√x is approximated here on an interval of positive numbers.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(initialDegree, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        Initial = ChebyshevSeries.Interpolate(x => 1 / Math.Sqrt(x), lower, upper, initialDegree);
        Iterations = iterations;
    }

    /// <summary>The initial guess for 1/√x.</summary>
    public ChebyshevSeries Initial { get; }

    /// <summary>Number of Newton steps for 1/√x.</summary>
    public int Iterations { get; }

    /// <inheritdoc/>
    public override double Reference(double x) => Math.Sqrt(x);

    /// <inheritdoc/>
    public override double EvaluatePlain(double x) => x * NewtonInverseSqrt.Iterate(Initial, Iterations, x);

    /// <inheritdoc/>
    internal override ChebyshevSeries FirstSeries => Initial;

    /// <inheritdoc/>
    internal override T Run<T>(ILeveledArithmetic<T> ops, T input, double targetScale)
    {
        var y = NewtonInverseSqrt.Circuit(ops, input, Initial, Iterations, targetScale);
        return NewtonStep.MultiplyByInput(ops, input, y, targetScale);
    }
}
