namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// Ready-made approximations with their intervals. Each one measures its error (<see cref="FunctionApproximation.Error"/>)
/// by sampling 2^16 + 1 points in double precision. Depths below are for an input at scale Δ; the affine map to
/// [−1, 1] costs one more level unless the input arrives at <see cref="PolynomialEvaluator.PreferredInputScale"/>.
/// </summary>
/// <remarks>
/// Measured errors of the defaults (absolute, max over the interval): sigmoid on [−8, 8], degree 31: 3.0·10⁻⁶
/// (degree 63: 1.4·10⁻¹¹); tanh on [−4, 4], degree 31: 6.0·10⁻⁶; exp on [−4, 4], degree 15: 1.0·10⁻⁸ (relative
/// 3.4·10⁻⁷); SiLU x·σ(x) on [−8, 8], degree 31: 1.9·10⁻⁵ (degree 63: 8.9·10⁻¹¹). Newton: 1/x on [1, 8] with a
/// degree-7 guess and 2 steps: 8.6·10⁻¹⁰; 1/√x on [1, 8], degree 7 and 2 steps: 2.6·10⁻¹¹; √x on [1, 8], degree 7 and
/// 1 step: 4.2·10⁻⁶. Wide intervals (b/a ≈ 100) need degree 15 and 3 steps for 10⁻⁹.
/// </remarks>
public static class Approximations
{
    /// <summary>The logistic function σ(x) = 1/(1 + e^−x): Chebyshev interpolant. Default [−8, 8], degree 31 (depth 5).</summary>
    public static ChebyshevApproximation Sigmoid(double lower = -8, double upper = 8, int degree = 31) =>
        new($"sigmoid (Chebyshev degree {degree})", Logistic, lower, upper, degree);

    /// <summary>tanh: Chebyshev interpolant. Default [−4, 4], degree 31 (depth 5).</summary>
    public static ChebyshevApproximation Tanh(double lower = -4, double upper = 4, int degree = 31) =>
        new($"tanh (Chebyshev degree {degree})", Math.Tanh, lower, upper, degree);

    /// <summary>e^x: Chebyshev interpolant. Default [−4, 4], degree 15 (depth 4).</summary>
    public static ChebyshevApproximation Exp(double lower = -4, double upper = 4, int degree = 15) =>
        new($"exp (Chebyshev degree {degree})", Math.Exp, lower, upper, degree);

    /// <summary>1/x on [a, b], 0 &lt; a: Chebyshev guess then Newton (depth ⌈log2(d+1)⌉ + 2·iterations).</summary>
    public static NewtonInverse Inverse(double lower, double upper, int initialDegree = 7, int iterations = 2) =>
        new(lower, upper, initialDegree, iterations);

    /// <summary>1/√x on [a, b], 0 &lt; a: Chebyshev guess then Newton (depth ⌈log2(d+1)⌉ + 2·iterations).</summary>
    public static NewtonInverseSqrt InverseSqrt(double lower, double upper, int initialDegree = 7, int iterations = 2) =>
        new(lower, upper, initialDegree, iterations);

    /// <summary>√x on [a, b], 0 &lt; a: x·(1/√x) by Newton (depth ⌈log2(d+1)⌉ + 2·iterations + 1).</summary>
    public static NewtonSqrt Sqrt(double lower, double upper, int initialDegree = 7, int iterations = 1) =>
        new(lower, upper, initialDegree, iterations);

    /// <summary>
    /// A smooth ReLU substitute: the Chebyshev interpolant of x·σ(k·x) (k = 1 is SiLU/Swish). The approximation's
    /// <see cref="FunctionApproximation.Error"/> is measured against x·σ(k·x), not against ReLU; that function differs
    /// from ReLU by at most <see cref="SmoothReluGap"/>(k) ≈ 0.278/k, at |x| ≈ 1.28/k. Larger k is closer to ReLU but
    /// needs a higher degree for the same error (its poles at ±iπ/k approach the interval). Default [−8, 8], k = 1,
    /// degree 31 (depth 5).
    /// </summary>
    public static ChebyshevApproximation SmoothRelu(double lower = -8, double upper = 8, double sharpness = 1, int degree = 31)
    {
        if (!(sharpness > 0) || !double.IsFinite(sharpness))
        {
            throw new ArgumentOutOfRangeException(nameof(sharpness), sharpness, "The sharpness k is a positive number.");
        }

        return new ChebyshevApproximation($"x*sigmoid({sharpness}x) (Chebyshev degree {degree})", x => x * Logistic(sharpness * x), lower, upper, degree);
    }

    /// <summary>max over x of |x·σ(k·x) − ReLU(x)| = (1/k)·max_u u·σ(−u) ≈ 0.2785/k.</summary>
    public static double SmoothReluGap(double sharpness)
    {
        // u·σ(−u) peaks where 1 = u·σ(u); a few Newton steps from u = 1.28 converge to double precision.
        var u = 1.28;
        for (var i = 0; i < 20; i++)
        {
            var s = Logistic(u);
            var g = (u * s) - 1;
            var derivative = s + (u * s * (1 - s));
            u -= g / derivative;
        }

        return u * Logistic(-u) / sharpness;
    }

    private static double Logistic(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
