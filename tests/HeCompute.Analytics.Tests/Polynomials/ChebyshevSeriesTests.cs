using HeCompute.Analytics.Polynomials;

namespace HeCompute.Analytics.Tests.Polynomials;

public sealed class ChebyshevSeriesTests
{
    [Fact]
    public void ClenshawMatchesTheDefinition()
    {
        var series = new ChebyshevSeries(-1, 1, [0.5, -1, 0.25, 2, 0, -0.75]);
        foreach (var t in new[] { -1, -0.7, -0.1, 0, 0.3, 0.99, 1 })
        {
            var direct = series.Coefficients.Select((c, j) => c * Math.Cos(j * Math.Acos(t))).Sum();
            Assert.Equal(direct, series.Evaluate(t), 1e-14);
        }
    }

    [Fact]
    public void InterpolationReproducesAPolynomialOnAnInterval()
    {
        // p(x) = 3x³ − x + 2 on [2, 6]: degree 3 interpolation is exact, higher coefficients vanish.
        static double P(double x) => (3 * x * x * x) - x + 2;
        var series = ChebyshevSeries.Interpolate(P, 2, 6, 7);
        Assert.Equal(3, series.Degree);
        foreach (var x in new[] { 2, 2.5, 4, 5.9, 6 })
        {
            Assert.Equal(P(x), series.Evaluate(x), 1e-10);
        }

        Assert.Equal(0.5, series.Alpha);
        Assert.Equal(-2, series.Beta);
    }

    [Fact]
    public void OddFunctionsGetExactlyZeroEvenCoefficients()
    {
        var series = ChebyshevSeries.Interpolate(Math.Tanh, -4, 4, 15);
        for (var j = 0; j <= series.Degree; j += 2)
        {
            Assert.Equal(0, series.Coefficients[j]);
        }
    }

    [Fact]
    public void MeasuredErrorsOfTheDefaultsAreTheDocumentedOnes()
    {
        Assert.InRange(Approximations.Sigmoid().MaxError, 1e-6, 4e-6);
        Assert.InRange(Approximations.Tanh().MaxError, 1e-6, 7e-6);
        Assert.InRange(Approximations.Exp().MaxError, 1e-9, 2e-8);
        Assert.InRange(Approximations.SmoothRelu().MaxError, 1e-5, 2e-5);
        Assert.InRange(Approximations.Inverse(1, 8).MaxError, 1e-10, 1e-9);
        Assert.InRange(Approximations.InverseSqrt(1, 8).MaxError, 1e-11, 3e-11);
        Assert.InRange(Approximations.Sqrt(1, 8).MaxError, 1e-6, 5e-6);
        Assert.Equal(0.2785, Approximations.SmoothReluGap(1), 4);
        Assert.Equal(0.2785 / 4, Approximations.SmoothReluGap(4), 4);
    }

    [Fact]
    public void NewtonConvergesQuadratically()
    {
        var errors = Enumerable.Range(0, 4).Select(k => Approximations.Inverse(1, 8, 3, k).Error.MaxRelative).ToArray();
        for (var k = 1; k < errors.Length; k++)
        {
            // e_(k+1) = e_k² for the relative error 1 − x·y.
            Assert.True(errors[k] <= (errors[k - 1] * errors[k - 1]) + 1e-15, $"step {k}: {errors[k]} after {errors[k - 1]}");
        }
    }
}
