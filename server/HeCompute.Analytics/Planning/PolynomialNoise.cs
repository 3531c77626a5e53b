using HeCompute.Analytics.Polynomials;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// Measures the CKKS error at the output of a polynomial evaluation: the evaluator's own algorithm runs
/// in double precision (<see cref="NoisyPlainArithmetic"/>) on points spread over the interval, with the input
/// perturbed by up to the incoming error and every rescale adding its bound; the largest deviation from the exact
/// polynomial over a few trials, doubled, is the bound.
/// </summary>
internal static class PolynomialNoise
{
    private const int Points = 257;
    private const int Trials = 3;
    private const double Margin = 2;

    /// <summary>Bound on the output error of a series evaluated from its preferred input scale.</summary>
    public static double Measure(EvaluationContext context, ChebyshevSeries series, double inputError) =>
        Measure(
            context,
            series.Lower,
            series.Upper,
            inputError,
            PolynomialEvaluator.PreferredInputScale(context, series),
            (ops, x) => ChebyshevAlgorithm<NoisyVector>.Evaluate(ops, x, series, context.DefaultScale),
            series.Evaluate);

    private static double Measure(
        EvaluationContext context,
        double lower,
        double upper,
        double inputError,
        double inputScale,
        Func<NoisyPlainArithmetic, NoisyVector, NoisyVector> run,
        Func<double, double> exact)
    {
        var random = new Random(20210523);
        var worst = 0.0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var x = new double[Points];
            var noisy = new double[Points];
            for (var i = 0; i < Points; i++)
            {
                x[i] = lower + ((upper - lower) * i / (Points - 1));
                noisy[i] = x[i] + (inputError * ((2 * random.NextDouble()) - 1));
            }

            var output = run(new NoisyPlainArithmetic(context, random), new NoisyVector(noisy, context.TopLevel, inputScale));
            for (var i = 0; i < Points; i++)
            {
                worst = Math.Max(worst, Math.Abs(output.Values[i] - exact(x[i])));
            }
        }

        return Margin * worst;
    }
}
