using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// Evaluates a <see cref="ChebyshevSeries"/> on a ciphertext with baby-step giant-step (Paterson–Stockmeyer in the
/// Chebyshev basis, after Bossuat et al., Eurocrypt 2021) and exact scale management.
/// </summary>
/// <remarks>
/// <para>
/// <b>Depth.</b> ⌈log2(d + 1)⌉ levels for degree d ≥ 1, plus one level for the affine map t = α·x + β unless it is
/// free: the interval is [−1, 1] with x at scale Δ, or x arrives at (about) α·Δ — see
/// <see cref="PreferredInputScale"/> — so that declaring its scale as s/α multiplies it by α at no cost. A degree-1
/// series never pays for the map (it is folded into the constants). Produce x at the preferred scale by giving it
/// as the output scale of the preceding block (for example <c>DiagonalMatrix.Multiply(..., outputScale)</c>).
/// </para>
/// <para>
/// <b>Scale.</b> The result has exactly <c>targetScale</c> (Δ by default) at level input − depth, whatever the
/// primes: every constant is encoded at the scale that makes its product land on the scale the next addition
/// needs, and rescales happen lazily, right before the next ciphertext product (see <see cref="Simulate"/>).
/// </para>
/// <para>
/// <b>Cost.</b> About 2^b + d/2^b + log2(d) ciphertext products for b = ⌈log2(d + 1)/2⌉, and one constant product per
/// non-zero coefficient of each leaf. Constants so small that c·scale rounds to zero are dropped (their contribution is
/// below the encoding resolution). No rotations.
/// </para>
/// </remarks>
public static class PolynomialEvaluator
{
    /// <summary>Rotation steps used: none.</summary>
    public static IReadOnlyList<int> RequiredSteps() => [];

    /// <summary>p(x) slot-wise, at exactly <paramref name="targetScale"/> (Δ if null).</summary>
    /// <exception cref="InsufficientLevelsException">The input has fewer levels than the evaluation consumes.</exception>
    public static Ciphertext Evaluate(EvaluationContext context, Ciphertext input, ChebyshevSeries series, double? targetScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(series);
        CiphertextOps.CheckInput(context, input, 1, nameof(input));
        return ChebyshevAlgorithm<Ciphertext>.Evaluate(new CiphertextArithmetic(context), input, series, targetScale ?? context.DefaultScale);
    }

    /// <summary>The level, scale and operation counts <see cref="Evaluate"/> will produce for an input of this shape.</summary>
    public static CircuitSimulation Simulate(EvaluationContext context, CiphertextShape input, ChebyshevSeries series, double? targetScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(series);
        var arithmetic = new ShapeArithmetic(context);
        var output = ChebyshevAlgorithm<SimulatedCiphertext>.Evaluate(arithmetic, new SimulatedCiphertext(input.Level, input.Scale), series, targetScale ?? context.DefaultScale);
        return CircuitSimulation.From(arithmetic, input, output);
    }

    /// <summary>Levels the evaluation consumes for an input at <paramref name="inputScale"/>: ⌈log2(d + 1)⌉, + 1 if the affine map is not free.</summary>
    public static int Depth(EvaluationContext context, ChebyshevSeries series, double inputScale)
    {
        ArgumentNullException.ThrowIfNull(series);
        var depth = ChebyshevAlgorithm<Ciphertext>.Depth(series.Degree);
        return series.Degree >= 2 && !AffineMapIsFree(context, series, inputScale) ? depth + 1 : depth;
    }

    /// <summary>α·Δ: the input scale at which the affine map to [−1, 1] costs no level.</summary>
    public static double PreferredInputScale(EvaluationContext context, ChebyshevSeries series)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(series);
        return series.Alpha * context.DefaultScale;
    }

    /// <summary>Whether an input at <paramref name="inputScale"/> gets the affine map for free (see the remarks).</summary>
    public static bool AffineMapIsFree(EvaluationContext context, ChebyshevSeries series, double inputScale)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(series);
        return ChebyshevAlgorithm<Ciphertext>.AffineMapIsFree(context, series, inputScale);
    }
}
