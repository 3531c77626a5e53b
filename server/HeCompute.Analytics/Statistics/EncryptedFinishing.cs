using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Polynomials;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Statistics;

namespace HeCompute.Analytics.Statistics;

/// <summary>
/// Finishes cohort statistics under encryption: per feature, the mean, the sample variance and the standard deviation,
/// from the outputs of <see cref="CohortStatistics.Finish"/>, as ciphertexts (<see cref="EncryptedMoments"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Who knows n.</b> The record count n is public to the server: every appended batch declares how many records it
/// holds, so the server divides by n with plaintext constants (1/n, 1/(n − 1)) — exact and cheap. An encrypted count
/// would only be needed per group (the group sizes Σ I_g are encrypted); group means and variances are finished by
/// the client (<see cref="CohortMoments.GroupVariance"/>), where 1/n_g is exact, instead of by a Newton inverse over
/// [1, MaxRecords], whose depth grows with log2 of that ratio.
/// </para>
/// <para>
/// <b>Circuit</b> (levels below the sums S at ℓ − 1 and squares Q at ℓ − 2, ℓ the fresh level): mean = S ⊙ (1/n)
/// (ℓ − 2); variance = Q ⊙ 1/(n − 1) − (S ⊙ √(n/(n − 1))/n)² (ℓ − 3, the square's operand encoded so that it lands
/// exactly on Δ); the same variance divided by each feature's declared bound v_c (normalised into [0, 1]) and landing
/// on the square root's preferred input scale (so its affine map is free), then √ by a degree-31 Chebyshev
/// interpolant on [<see cref="RelativeFloor"/>, 1] (5 levels, error 2.5·10⁻⁶), then ⊙ √v_c, which also masks (one
/// level): 9 levels from fresh records in all. The constant vectors are zero outside the features, so every unused
/// slot is zero.
/// </para>
/// <para>
/// <b>Intervals.</b> For x_c ∈ [L_c, U_c] scaled by s_c, the variance is at most v_c = ((U_c − L_c)/(2·s_c))²
/// (Popoviciu). The square root is accurate for variances down to <see cref="RelativeFloor"/>·v_c (standard deviations
/// down to 1/8 of the largest possible); below the interval the polynomial is extrapolated and its error grows
/// (up to about √(floor·v_c) at a zero variance). Newton iterations for 1/√x would widen the interval at 2 levels per
/// step; a plain Chebyshev interpolant of √x is the shallowest circuit for this accuracy.
/// </para>
/// </remarks>
public sealed class EncryptedFinishing
{
    /// <summary>Smallest normalised variance the square root is accurate for (2^−6).</summary>
    public const double RelativeFloor = 1.0 / 64;

    /// <summary>Degree of the square root's Chebyshev interpolant.</summary>
    public const int SqrtDegree = 31;

    private readonly double[] _varianceBounds;

    /// <summary>Finishing for features with these variance bounds (scaled units, each in (0, 1]).</summary>
    public EncryptedFinishing(IReadOnlyList<double> varianceBounds)
    {
        ArgumentNullException.ThrowIfNull(varianceBounds);
        if (varianceBounds.Count == 0 || varianceBounds.Any(v => !(v > 0) || !double.IsFinite(v)))
        {
            throw new ArgumentException("Every feature needs a finite positive variance bound.", nameof(varianceBounds));
        }

        _varianceBounds = [.. varianceBounds];
        Sqrt = new ChebyshevApproximation("sqrt", Math.Sqrt, RelativeFloor, 1, SqrtDegree);
    }

    /// <summary>Finishing for features declared in [lower, upper] and divided by <paramref name="scales"/> before encryption.</summary>
    public static EncryptedFinishing ForBounds(IReadOnlyList<double> lower, IReadOnlyList<double> upper, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(scales);
        if (lower.Count != upper.Count || scales.Count < lower.Count)
        {
            throw new ArgumentException("Lower and upper bounds and scales must cover the same features.", nameof(scales));
        }

        var bounds = new double[lower.Count];
        for (var c = 0; c < bounds.Length; c++)
        {
            var half = (upper[c] - lower[c]) / (2 * scales[c]);
            bounds[c] = half * half;
        }

        return new EncryptedFinishing(bounds);
    }

    /// <summary>Number of features (slots 0 … features − 1).</summary>
    public int Features => _varianceBounds.Length;

    /// <summary>Per feature, the largest possible variance in scaled units.</summary>
    public IReadOnlyList<double> VarianceBounds => _varianceBounds;

    /// <summary>The square root's approximation (on normalised variances).</summary>
    public ChebyshevApproximation Sqrt { get; }

    /// <summary>Rotation steps used: none (every value is already in its feature's slot).</summary>
    public static IReadOnlyList<int> RequiredSteps() => [];

    /// <summary>
    /// Levels from a fresh records ciphertext to the standard deviation: 2 (accumulate and finish), 1 (variance), the
    /// square root's (5), 1 (final mask).
    /// </summary>
    public int Depth(EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return 2 + 1 + SqrtDepth(context) + 1;
    }

    /// <summary>Bound on the approximation error of the standard deviation in scaled units (for variances above the floor).</summary>
    public double ApproximationError => Sqrt.MaxError * Math.Sqrt(_varianceBounds.Max());

    /// <summary>The encrypted mean, variance and standard deviation of every feature.</summary>
    /// <param name="context">The evaluation context.</param>
    /// <param name="finished">The outputs of <see cref="CohortStatistics.Finish"/> (sums, then products 0 … m − 1).</param>
    /// <param name="records">n, the number of records aggregated (at least 2).</param>
    public EncryptedMoments Finish(EvaluationContext context, IReadOnlyList<Ciphertext> finished, long records)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(finished);
        if (finished.Count < 2)
        {
            throw new ArgumentException("The finished statistics start with the sums and the squares.", nameof(finished));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(records, 2);
        var n = (double)records;
        var sums = finished[0];
        var squares = finished[1];
        var sumsLevel = context.LevelOf(sums);
        if (context.LevelOf(squares) < SqrtDepth(context) + 2 || sumsLevel < 2)
        {
            throw new InsufficientLevelsException(SqrtDepth(context) + 2, context.LevelOf(squares));
        }

        var mean = ElementwiseProduct.WithPlain(context, sums, Constants(_ => 1 / n), context.DefaultScale);
        var variance = Variance(context, sums, squares, n, _ => 1, context.DefaultScale);
        var normalised = Variance(context, sums, squares, n, c => 1 / _varianceBounds[c], Sqrt.PreferredInputScale(context));
        var root = Sqrt.Evaluate(context, normalised);
        var deviation = ElementwiseProduct.WithPlain(context, root, Constants(c => Math.Sqrt(_varianceBounds[c])), context.DefaultScale);
        return new EncryptedMoments(mean, variance, deviation);
    }

    /// <summary>The same computation in double precision (same square-root circuit), from plain sums and squares.</summary>
    public (double Mean, double Variance, double StandardDeviation) FinishPlain(int feature, double sum, double squares, long records)
    {
        var n = (double)records;
        var variance = (squares / (n - 1)) - (sum * sum / (n * (n - 1)));
        var deviation = Sqrt.EvaluatePlain(variance / _varianceBounds[feature]) * Math.Sqrt(_varianceBounds[feature]);
        return (sum / n, variance, deviation);
    }

    private int SqrtDepth(EvaluationContext context) =>
        PolynomialEvaluator.Depth(context, Sqrt.Series, Sqrt.PreferredInputScale(context));

    /// <summary>Q ⊙ f_c/(n − 1) − (S ⊙ √(f_c·n/(n − 1))/n)², at exactly <paramref name="scale"/>.</summary>
    private Ciphertext Variance(EvaluationContext context, Ciphertext sums, Ciphertext squares, double n, Func<int, double> factor, double scale)
    {
        var first = ElementwiseProduct.WithPlain(context, squares, Constants(c => factor(c) / (n - 1)), scale);
        var level = context.LevelOf(sums);
        var rootScale = Math.Sqrt(scale * context.RescalePrime(level - 1));
        var scaled = ElementwiseProduct.WithPlain(context, sums, Constants(c => Math.Sqrt(factor(c) * n / (n - 1)) / n), rootScale);
        var second = ElementwiseProduct.Square(context, scaled);
        CiphertextOps.Snap(second, scale);
        return CiphertextOps.Add(context, CiphertextOps.AtLevel(context, first, context.LevelOf(second)), second, subtract: true);
    }

    private double[] Constants(Func<int, double> value)
    {
        var result = new double[Features];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = value(c);
        }

        return result;
    }
}
