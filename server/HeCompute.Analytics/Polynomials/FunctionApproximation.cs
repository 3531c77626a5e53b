using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// A function approximated on an interval [<see cref="Lower"/>, <see cref="Upper"/>] by a circuit CKKS can evaluate,
/// with its error measured by dense sampling in double precision (<see cref="Error"/>). Outside the interval nothing
/// is promised: the caller guarantees inputs stay inside (the model format declares activation intervals).
/// </summary>
/// <remarks>
/// The encrypted result differs from <see cref="Reference"/> by at most <see cref="ApproximationError.MaxAbsolute"/>
/// plus the CKKS noise of the evaluation, which depends on the parameters (about 10⁻⁷ at Δ = 2^40 for the
/// approximations here; the tests state and assert it).
/// </remarks>
public abstract class FunctionApproximation
{
    private readonly Lazy<ApproximationError> _error;
    private double? _lipschitz;

    /// <summary>Creates the approximation's common part.</summary>
    protected FunctionApproximation(string name, double lower, double upper)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!double.IsFinite(lower) || !double.IsFinite(upper) || !(lower < upper))
        {
            throw new ArgumentException($"The interval [{lower}, {upper}] is not a finite interval with lower < upper.", nameof(lower));
        }

        Name = name;
        Lower = lower;
        Upper = upper;
        _error = new Lazy<ApproximationError>(() => ApproximationError.Measure(EvaluatePlain, Reference, Lower, Upper));
    }

    /// <summary>A short description: the function and its parameters.</summary>
    public string Name { get; }

    /// <summary>Lower end of the interval the approximation is valid on.</summary>
    public double Lower { get; }

    /// <summary>Upper end of the interval the approximation is valid on.</summary>
    public double Upper { get; }

    /// <summary>
    /// The measured error of <see cref="EvaluatePlain"/> against <see cref="Reference"/> over
    /// <see cref="ApproximationError.DefaultSamples"/> equally spaced points (measured once, on first use).
    /// </summary>
    public ApproximationError Error => _error.Value;

    /// <summary>Shorthand for <see cref="Error"/>.<see cref="ApproximationError.MaxAbsolute"/>.</summary>
    public double MaxError => Error.MaxAbsolute;

    /// <summary>
    /// A Lipschitz bound of <see cref="Reference"/> on the interval: the largest slope between neighbouring points of
    /// the same dense sampling, so an input error e moves the output by about this times e at most.
    /// </summary>
    public double Lipschitz
    {
        get
        {
            if (_lipschitz is { } known)
            {
                return known;
            }

            const int Samples = ApproximationError.DefaultSamples;
            var step = (Upper - Lower) / (Samples - 1);
            var slope = 0.0;
            var previous = Reference(Lower);
            for (var i = 1; i < Samples; i++)
            {
                var value = Reference(Lower + (i * step));
                slope = Math.Max(slope, Math.Abs(value - previous) / step);
                previous = value;
            }

            _lipschitz = slope;
            return slope;
        }
    }

    /// <summary>The exact function, in double precision.</summary>
    public abstract double Reference(double x);

    /// <summary>What the encrypted circuit computes, in double precision (the same polynomial and iterations).</summary>
    public abstract double EvaluatePlain(double x);

    /// <summary>Evaluates slot-wise on a ciphertext; the result has exactly <paramref name="targetScale"/> (Δ if null).</summary>
    public Ciphertext Evaluate(EvaluationContext context, Ciphertext input, double? targetScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        CiphertextOps.CheckInput(context, input, 1, nameof(input));
        return Run(new CiphertextArithmetic(context), input, targetScale ?? context.DefaultScale);
    }

    /// <summary>The level, exact scale and operation counts <see cref="Evaluate"/> will produce, without encrypting.</summary>
    public CircuitSimulation Simulate(EvaluationContext context, CiphertextShape input, double? targetScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var arithmetic = new ShapeArithmetic(context);
        var output = Run(arithmetic, new SimulatedCiphertext(input.Level, input.Scale), targetScale ?? context.DefaultScale);
        return CircuitSimulation.From(arithmetic, input, output);
    }

    /// <summary>
    /// The input scale at which the first polynomial's affine map to [−1, 1] costs no level (α·Δ, see
    /// <see cref="PolynomialEvaluator.PreferredInputScale"/>); the preceding block can produce its output there.
    /// </summary>
    public double PreferredInputScale(EvaluationContext context) => PolynomialEvaluator.PreferredInputScale(context, FirstSeries);

    /// <summary>Rotation steps used: none (every approximation is slot-wise).</summary>
    public static IReadOnlyList<int> RequiredSteps() => [];

    /// <inheritdoc/>
    public override string ToString() => $"{Name} on [{Lower}, {Upper}]";

    /// <summary>The series evaluated directly on the input (its interval decides the affine map).</summary>
    internal abstract ChebyshevSeries FirstSeries { get; }

    /// <summary>The circuit, written once for ciphertexts and for the simulator.</summary>
    internal abstract T Run<T>(ILeveledArithmetic<T> ops, T input, double targetScale)
        where T : class;
}
