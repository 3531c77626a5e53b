namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// A polynomial p(x) = Σ_j c_j T_j(t) in the Chebyshev basis on an interval [a, b], where t = α·x + β maps [a, b]
/// onto [−1, 1] (α = 2/(b − a), β = −(a + b)/(b − a)). Immutable.
/// </summary>
public sealed class ChebyshevSeries
{
    private readonly double[] _coefficients;

    /// <summary>Creates a series from its coefficients c_0 … c_d (c_0 is the constant term, not halved).</summary>
    public ChebyshevSeries(double lower, double upper, IReadOnlyList<double> coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (!double.IsFinite(lower) || !double.IsFinite(upper) || !(lower < upper))
        {
            throw new ArgumentException($"The interval [{lower}, {upper}] is not a finite interval with lower < upper.", nameof(lower));
        }

        if (coefficients.Count == 0 || coefficients.Any(c => !double.IsFinite(c)))
        {
            throw new ArgumentException("The coefficients must be finite and at least one.", nameof(coefficients));
        }

        Lower = lower;
        Upper = upper;
        var degree = coefficients.Count - 1;
        while (degree > 0 && coefficients[degree] == 0)
        {
            degree--;
        }

        _coefficients = [.. coefficients.Take(degree + 1)];
    }

    /// <summary>a, the lower end of the interval.</summary>
    public double Lower { get; }

    /// <summary>b, the upper end of the interval.</summary>
    public double Upper { get; }

    /// <summary>c_0 … c_d (trailing zeros removed).</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>d, the degree (index of the last non-zero coefficient).</summary>
    public int Degree => _coefficients.Length - 1;

    /// <summary>α = 2/(b − a) in t = α·x + β.</summary>
    public double Alpha => 2.0 / (Upper - Lower);

    /// <summary>β = −(a + b)/(b − a) in t = α·x + β.</summary>
    public double Beta => -(Upper + Lower) / (Upper - Lower);

    /// <summary>Whether the interval is exactly [−1, 1] (no affine map needed).</summary>
    public bool IsOnUnitInterval => Lower == -1 && Upper == 1;

    /// <summary>p(x) by Clenshaw's recurrence (x outside [a, b] is extrapolated).</summary>
    public double Evaluate(double x)
    {
        var t = (Alpha * x) + Beta;
        double b1 = 0, b2 = 0;
        for (var j = _coefficients.Length - 1; j >= 1; j--)
        {
            var b0 = (2 * t * b1) - b2 + _coefficients[j];
            b2 = b1;
            b1 = b0;
        }

        return (t * b1) - b2 + _coefficients[0];
    }

    /// <summary>
    /// The interpolant of <paramref name="function"/> of the given degree at the d + 1 Chebyshev nodes of the first kind
    /// t_k = cos(π(k + ½)/(d + 1)), computed in double precision: c_j = (2 − [j = 0])/(d + 1) · Σ_k f(x_k)·cos(jπ(k + ½)/(d + 1)).
    /// Coefficients below 10⁻¹⁵ of the largest are set to zero (for odd or even functions these are rounding noise,
    /// and each non-zero coefficient costs a plaintext product).
    /// </summary>
    public static ChebyshevSeries Interpolate(Func<double, double> function, double lower, double upper, int degree)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        var n = degree + 1;
        var values = new double[n];
        for (var k = 0; k < n; k++)
        {
            var t = Math.Cos(Math.PI * (k + 0.5) / n);
            var x = (((upper - lower) * t) + upper + lower) / 2;
            values[k] = function(x);
            if (!double.IsFinite(values[k]))
            {
                throw new ArgumentException($"The function is not finite at the node {x}.", nameof(function));
            }
        }

        var coefficients = new double[n];
        for (var j = 0; j < n; j++)
        {
            double sum = 0;
            for (var k = 0; k < n; k++)
            {
                sum += values[k] * Math.Cos(Math.PI * j * (k + 0.5) / n);
            }

            coefficients[j] = (j == 0 ? 1.0 : 2.0) * sum / n;
        }

        var largest = coefficients.Max(Math.Abs);
        for (var j = 0; j < n; j++)
        {
            if (Math.Abs(coefficients[j]) < 1e-15 * largest)
            {
                coefficients[j] = 0;
            }
        }

        return new ChebyshevSeries(lower, upper, coefficients);
    }
}
