namespace HeCompute.Analytics.Polynomials;

/// <summary>A function approximated by its Chebyshev interpolant on an interval, evaluated by <see cref="PolynomialEvaluator"/>.</summary>
public sealed class ChebyshevApproximation : FunctionApproximation
{
    private readonly Func<double, double> _function;

    /// <summary>Interpolates <paramref name="function"/> with the given degree on [lower, upper].</summary>
    public ChebyshevApproximation(string name, Func<double, double> function, double lower, double upper, int degree)
        : base(name, lower, upper)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        _function = function;
        Series = ChebyshevSeries.Interpolate(function, lower, upper, degree);
    }

    /// <summary>The interpolating series.</summary>
    public ChebyshevSeries Series { get; }

    /// <inheritdoc/>
    public override double Reference(double x) => _function(x);

    /// <inheritdoc/>
    public override double EvaluatePlain(double x) => Series.Evaluate(x);

    /// <inheritdoc/>
    internal override ChebyshevSeries FirstSeries => Series;

    /// <inheritdoc/>
    internal override T Run<T>(ILeveledArithmetic<T> ops, T input, double targetScale) =>
        ChebyshevAlgorithm<T>.Evaluate(ops, input, Series, targetScale);
}
