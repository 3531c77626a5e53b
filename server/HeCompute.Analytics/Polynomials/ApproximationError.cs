namespace HeCompute.Analytics.Polynomials;

/// <summary>Measured error of an approximation: dense sampling in double precision.</summary>
/// <param name="MaxAbsolute">max |approximation(x) − f(x)| over the samples.</param>
/// <param name="MaxRelative">max |approximation(x) − f(x)| / |f(x)| over the samples where f(x) ≠ 0.</param>
/// <param name="WorstPoint">The sample where the absolute error is largest.</param>
/// <param name="Samples">How many points were sampled.</param>
public readonly record struct ApproximationError(double MaxAbsolute, double MaxRelative, double WorstPoint, int Samples)
{
    /// <summary>The default number of samples: 2^16 + 1 equally spaced points including both ends.</summary>
    public const int DefaultSamples = 65537;

    /// <summary>Samples <paramref name="samples"/> equally spaced points of [lower, upper], both ends included.</summary>
    public static ApproximationError Measure(Func<double, double> approximation, Func<double, double> exact, double lower, double upper, int samples = DefaultSamples)
    {
        ArgumentNullException.ThrowIfNull(approximation);
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        double worst = 0, worstRelative = 0, worstPoint = lower;
        for (var i = 0; i < samples; i++)
        {
            var x = i == samples - 1 ? upper : lower + ((upper - lower) * i / (samples - 1));
            var expected = exact(x);
            var error = Math.Abs(approximation(x) - expected);
            if (double.IsNaN(error))
            {
                throw new ArgumentException($"The approximation or the function is not a number at {x}.");
            }

            if (error > worst)
            {
                worst = error;
                worstPoint = x;
            }

            if (expected != 0)
            {
                worstRelative = Math.Max(worstRelative, error / Math.Abs(expected));
            }
        }

        return new ApproximationError(worst, worstRelative, worstPoint, samples);
    }
}
