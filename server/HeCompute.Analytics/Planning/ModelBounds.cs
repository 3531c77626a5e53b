using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Polynomials;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// Bounds the planner derives from a model document: the interval every layer's values stay in (checked against, or
/// widening, each activation's declared interval), the magnitude of the outputs (for the first prime's integer bits)
/// and the CKKS error of the outputs on candidate parameters (for the scale).
/// </summary>
/// <remarks>
/// <para>
/// Intervals: propagated unit by unit from the declared input bounds, standardised with the declared mean and scale
/// (|z| ≤ <see cref="AssumedStandardizedBound"/> for a model without declared bounds). A dense layer maps intervals
/// [l_j, u_j] to bias_i + Σ_j min/max(W_ij·l_j, W_ij·u_j) (a convolution and an average pooling likewise, as their
/// matrices); a square maps [l, u] to its image [min, max of x²]. An activation's polynomial approximates its function
/// on its declared interval only, so the hull of its inputs must lie inside that interval: otherwise the document is
/// refused (<see cref="ActivationIntervalException"/>) or, when asked, the interval is widened to the smallest one
/// containing both (<see cref="Widenings"/>, and <see cref="Document"/> is the widened document). A polynomial
/// activation's outputs lie in [min p, max p] over its interval (sampled densely, widened by the largest sampled step
/// between neighbours).
/// </para>
/// <para>
/// Errors (message units): a worst-case part and a Gaussian part carried with the norms of each stage, as
/// <see cref="Noise"/> details; a polynomial activation's output error is measured by running the evaluator's
/// algorithm in double precision with the incoming error and every rescale's error injected
/// (<see cref="PolynomialNoise"/>).
/// </para>
/// </remarks>
internal sealed class ModelBounds
{
    /// <summary>Bound assumed for a standardised feature when the schema declares no bounds (8 standard deviations).</summary>
    public const double AssumedStandardizedBound = 8;

    /// <summary>Relative slack for a declared end equal to the propagated one up to rounding in the sums.</summary>
    private const double Slack = 1e-9;

    private readonly List<Stage> _stages = [];
    private readonly List<PlanWidening> _widenings = [];

    private ModelBounds(ModelDocument document)
    {
        Document = document;
    }

    /// <summary>Bound on |output|.</summary>
    public double OutputMagnitude { get; private set; }

    /// <summary>The document to compile: the one given, or a copy with the widened intervals.</summary>
    public ModelDocument Document { get; private set; }

    /// <summary>The activation intervals widened (empty unless widening was asked for and needed).</summary>
    public IReadOnlyList<PlanWidening> Widenings => _widenings;

    /// <summary>The bounds of a validated document.</summary>
    /// <exception cref="ModelFormatException">A layer type the planner cannot bound, or bounds that overflow.</exception>
    /// <exception cref="ActivationIntervalException">An activation's declared interval does not contain its inputs and <paramref name="widenIntervals"/> is false.</exception>
    public static ModelBounds Of(ModelDocument document, bool widenIntervals)
    {
        ArgumentNullException.ThrowIfNull(document);
        var result = new ModelBounds(document);
        var (lower, upper) = InputBounds(document.Input);
        IReadOnlyList<int>? shape = document.Input.Shape;
        var layers = document.Layers.ToArray();
        for (var index = 0; index < layers.Length; index++)
        {
            var layer = layers[index];
            switch (layer.Type, layer.Function)
            {
                case ("dense", _):
                    (lower, upper, var dense) = Linear(LayerMatrices.Dense(layer), lower, upper);
                    result._stages.Add(dense);
                    break;
                case ("conv2d", _):
                    var (convolution, convolutionBias, convolutionShape) = LayerMatrices.Convolution(layer, shape!);
                    (lower, upper, var convolutionStage) = Linear((convolution, convolutionBias), lower, upper);
                    result._stages.Add(convolutionStage);
                    shape = convolutionShape;
                    break;
                case ("avgpool", _):
                    var (pooling, poolingShape) = LayerMatrices.AveragePooling(layer, shape!);
                    (lower, upper, var poolingStage) = Linear((pooling, new double[pooling.Rows]), lower, upper);
                    result._stages.Add(poolingStage);
                    shape = poolingShape;
                    break;
                case ("flatten", _):
                    shape = null;
                    break;
                case ("activation", "square"):
                    layer = layers[index] = result.Contain(index, layer, lower.Min(), upper.Max(), widenIntervals);
                    result._stages.Add(Stage.Square(Math.Max(Math.Abs(lower.Min()), Math.Abs(upper.Max()))));
                    for (var i = 0; i < lower.Length; i++)
                    {
                        (lower[i], upper[i]) = Square(lower[i], upper[i]);
                    }

                    break;
                case ("activation", _):
                    layer = layers[index] = result.Contain(index, layer, lower.Min(), upper.Max(), widenIntervals);
                    var series = Series(layer);
                    result._stages.Add(Stage.Polynomial(series));
                    var (low, high) = Range(series);
                    Array.Fill(lower, low);
                    Array.Fill(upper, high);
                    break;
                default:
                    throw new ModelFormatException($"The planner cannot bound a layer of type '{layer.Type}'.");
            }

            if (!double.IsFinite(lower.Min()) || !double.IsFinite(upper.Max()))
            {
                throw new ModelFormatException($"Layer {index} ({layer.Type}): the values propagated from the declared input bounds overflow; declare tighter input bounds or smaller weights.");
            }
        }

        result.OutputMagnitude = Math.Max(Math.Abs(lower.Min()), Math.Abs(upper.Max()));
        if (result._widenings.Count > 0)
        {
            result.Document = document with { Layers = layers };
        }

        return result;
    }

    /// <summary>Bound on the CKKS error of an output (message units) on a context, for a model using this many rotation steps.</summary>
    /// <remarks>
    /// The error is carried as a worst-case part w and a Gaussian part whose covariance is at most s²·I (s bounds the
    /// standard deviation of every unit vector's projection), and bounded at the end by w + <see cref="CkksNoise.Tail"/>·s.
    /// The Gaussian sources, independent per slot (the canonical embedding of independent coefficient errors): the
    /// fresh encryption (std <see cref="CkksNoise.FreshNoise"/>/(tail·Δ)); per linear stage, as many key switches
    /// and rescales as before, 2 + rotations, each of std <see cref="CkksNoise.RescaleNoise"/>/(tail·Δ), the baby
    /// rotations' key switches weighted by the diagonal entries (‖row‖₂² times that variance) and the rounding of the
    /// encoded diagonals (each slot of a diagonal off by std √(N/24)/q_ℓ, times the input's bound, over at most 2d
    /// diagonals); one rescale per square. A linear stage maps s to ‖M‖₂·s, bounded by min(‖M‖_F, √(‖M‖₁·‖M‖_∞)), or
    /// to max ‖row‖₂·s where only each unit's own error matters next (before a polynomial, or at the output), and w to
    /// max ‖row‖₁·w; a square of inputs |x| ≤ b maps w to 2b·w + (w + tail·s)² and s to 2b·s; a polynomial activation
    /// turns w + tail·s into its measured worst case (<see cref="PolynomialNoise"/>) and s to 0.
    /// </remarks>
    /// <param name="context">The candidate parameters.</param>
    /// <param name="rotations">Key switches of a linear stage (at least the model's rotation step count).</param>
    /// <param name="babyChain">
    /// Largest number of key switches applied one after the other to a baby rotation (1 when every baby is hoisted
    /// from the input): each one's noise is weighted by the diagonal entries, so their variance counts this many times.
    /// </param>
    public double Noise(EvaluationContext context, int rotations, int babyChain = 1)
    {
        ArgumentNullException.ThrowIfNull(context);
        var n = context.SlotCount * 2;
        var quantum = CkksNoise.RescaleNoise(n) / CkksNoise.Tail / context.DefaultScale;
        var encoding = Math.Sqrt(n / 24.0) / context.DefaultScale;
        var worst = 0.0;
        var deviation = CkksNoise.FreshNoise(n) / CkksNoise.Tail / context.DefaultScale;
        for (var i = 0; i < _stages.Count; i++)
        {
            var stage = _stages[i];
            if (stage.Series is { } series)
            {
                worst = PolynomialNoise.Measure(context, series, worst + (CkksNoise.Tail * deviation));
                deviation = 0;
            }
            else if (stage.IsSquare)
            {
                var error = worst + (CkksNoise.Tail * deviation);
                worst = (2 * stage.InputBound * worst) + (error * error);
                deviation = Math.Sqrt(Square(2 * stage.InputBound * deviation) + Square(quantum));
            }
            else
            {
                var gain = UnitsOnlyNext(i) ? stage.RowNorm : stage.Spectral;
                worst *= stage.RowSum;
                deviation = Math.Sqrt(
                    Square(gain * deviation)
                    + ((2 + rotations + (Math.Max(1, babyChain) * Square(stage.RowNorm))) * Square(quantum))
                    + (stage.Diagonals * Square(encoding * stage.InputBound)));
            }
        }

        deviation = Math.Sqrt(Square(deviation) + Square(quantum));
        return worst + (CkksNoise.Tail * deviation);
    }

    private static double Square(double x) => x * x;

    /// <summary>Whether after stage <paramref name="index"/> only each unit's own error matters: a polynomial or the output comes before any linear stage.</summary>
    private bool UnitsOnlyNext(int index)
    {
        for (var j = index + 1; j < _stages.Count; j++)
        {
            if (_stages[j].Series is not null)
            {
                return true;
            }

            if (!_stages[j].IsSquare)
            {
                return false;
            }
        }

        return true;
    }

    private static (double[] Lower, double[] Upper) InputBounds(InputSchema input)
    {
        var lower = new double[input.Features.Count];
        var upper = new double[lower.Length];
        for (var t = 0; t < lower.Length; t++)
        {
            if (input.Lower is null || input.Upper is null)
            {
                (lower[t], upper[t]) = (-AssumedStandardizedBound, AssumedStandardizedBound);
                continue;
            }

            var mean = input.Mean?[t] ?? 0;
            var scale = input.Scale?[t] ?? 1;
            var (a, b) = ((input.Lower[t] - mean) / scale, (input.Upper[t] - mean) / scale);
            (lower[t], upper[t]) = (Math.Min(a, b), Math.Max(a, b));
        }

        return (lower, upper);
    }

    /// <summary>
    /// The layer with an interval containing [<paramref name="lower"/>, <paramref name="upper"/>]: as declared when it
    /// does, widened when asked, else refused. A square declared without an interval needs none.
    /// </summary>
    private LayerDocument Contain(int index, LayerDocument layer, double lower, double upper, bool widen)
    {
        if (layer.Lower is not { } declaredLower || layer.Upper is not { } declaredUpper)
        {
            return layer;
        }

        var below = lower < declaredLower - (Slack * Math.Max(1, Math.Abs(declaredLower)));
        var above = upper > declaredUpper + (Slack * Math.Max(1, Math.Abs(declaredUpper)));
        if (!below && !above)
        {
            return layer;
        }

        if (!widen)
        {
            throw new ActivationIntervalException(index, layer.Function!, declaredLower, declaredUpper, lower, upper);
        }

        var widened = layer with { Lower = Math.Min(declaredLower, lower), Upper = Math.Max(declaredUpper, upper) };
        _widenings.Add(new PlanWidening(index, layer.Function!, declaredLower, declaredUpper, widened.Lower!.Value, widened.Upper!.Value));
        return widened;
    }

    private static (double Lower, double Upper) Square(double lower, double upper) =>
        lower >= 0 ? (lower * lower, upper * upper)
        : upper <= 0 ? (upper * upper, lower * lower)
        : (0, Math.Max(lower * lower, upper * upper));

    /// <summary>A linear layer (dense, a convolution or a pooling as its matrix) on intervals, and its stage (its norms).</summary>
    private static (double[] Lower, double[] Upper, Stage Stage) Linear((SparseMatrix Matrix, double[] Bias) layer, double[] lower, double[] upper)
    {
        var (matrix, bias) = layer;
        var outLower = new double[matrix.Rows];
        var outUpper = new double[matrix.Rows];
        var columnSums = new double[matrix.Columns];
        var (rowSum, rowNorm, frobenius) = (0.0, 0.0, 0.0);
        for (var i = 0; i < outLower.Length; i++)
        {
            var (low, high) = (bias[i], bias[i]);
            var (absolute, squares) = (0.0, 0.0);
            foreach (var (column, value) in matrix.Row(i))
            {
                var (a, b) = (value * lower[column], value * upper[column]);
                low += Math.Min(a, b);
                high += Math.Max(a, b);
                absolute += Math.Abs(value);
                squares += value * value;
                columnSums[column] += Math.Abs(value);
            }

            (outLower[i], outUpper[i]) = (low, high);
            rowSum = Math.Max(rowSum, absolute);
            rowNorm = Math.Max(rowNorm, squares);
            frobenius += squares;
        }

        var spectral = Math.Min(Math.Sqrt(frobenius), Math.Sqrt(rowSum * columnSums.DefaultIfEmpty(0).Max()));
        var inputBound = Math.Max(Math.Abs(lower.DefaultIfEmpty(0).Min()), Math.Abs(upper.DefaultIfEmpty(0).Max()));
        var diagonals = 2.0 * System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(matrix.Rows, matrix.Columns));
        return (outLower, outUpper, new Stage(rowSum, Math.Sqrt(rowNorm), spectral, diagonals, inputBound, null, false));
    }

    private static ChebyshevSeries Series(LayerDocument layer) => layer.Function switch
    {
        "sigmoid" => Approximations.Sigmoid(layer.Lower!.Value, layer.Upper!.Value, layer.Degree ?? 31).Series,
        "smooth-relu" => Approximations.SmoothRelu(layer.Lower!.Value, layer.Upper!.Value, layer.Sharpness ?? 1, layer.Degree ?? 31).Series,
        _ => throw new ModelFormatException($"The planner cannot bound the activation '{layer.Function}'."),
    };

    /// <summary>[min p, max p] on the interval, sampled densely, widened by the largest sampled step between neighbours.</summary>
    private static (double Lower, double Upper) Range(ChebyshevSeries series)
    {
        const int samples = 4096;
        var (low, high) = (double.PositiveInfinity, double.NegativeInfinity);
        var step = 0.0;
        var previous = series.Evaluate(series.Lower);
        for (var i = 0; i <= samples; i++)
        {
            var value = series.Evaluate(series.Lower + ((series.Upper - series.Lower) * i / samples));
            low = Math.Min(low, value);
            high = Math.Max(high, value);
            step = Math.Max(step, Math.Abs(value - previous));
            previous = value;
        }

        return (low - step, high + step);
    }

    /// <summary>
    /// One layer: a linear one (its largest absolute row sum, largest row 2-norm, bound on its spectral norm, bound on
    /// its diagonals and its inputs' bound), a polynomial activation, or a square (its inputs' bound).
    /// </summary>
    private sealed record Stage(double RowSum, double RowNorm, double Spectral, double Diagonals, double InputBound, ChebyshevSeries? Series, bool IsSquare)
    {
        public static Stage Square(double inputBound) => new(0, 0, 0, 0, inputBound, null, true);

        public static Stage Polynomial(ChebyshevSeries series) => new(0, 0, 0, 0, 0, series, false);
    }
}
