using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Polynomials;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// Bounds the planner derives from a model document: the magnitude of the outputs (for the first prime's integer
/// bits) and the CKKS error of the outputs on candidate parameters (for the scale).
/// </summary>
/// <remarks>
/// <para>
/// Magnitudes: interval propagation from the declared input bounds, standardised with the declared mean and scale
/// (|z| ≤ <see cref="AssumedStandardizedBound"/> for a model without declared bounds). A dense layer maps bounds b to
/// |bias_i| + Σ_j |W_ij|·b_j (a convolution and an average pooling likewise, as their matrices); a polynomial
/// activation's outputs are bounded by the largest |p| on its declared interval
/// (its inputs are declared to stay there); a square maps b to b².
/// </para>
/// <para>
/// Errors (message units): the input starts with <see cref="CkksNoise.FreshNoise"/>/Δ. A dense layer multiplies the
/// error by its largest absolute row sum and adds one <see cref="CkksNoise.RescaleNoise"/>/Δ per level (product and
/// mask) and per rotation of the model; a polynomial activation's output error is measured by running the evaluator's
/// algorithm in double precision with the incoming error and every rescale's error injected
/// (<see cref="PolynomialNoise"/>); a square maps e to 2·b·e + e² plus a rescale; the final mask adds a rescale.
/// </para>
/// </remarks>
internal sealed class ModelBounds
{
    /// <summary>Bound assumed for a standardised feature when the schema declares no bounds (8 standard deviations).</summary>
    public const double AssumedStandardizedBound = 8;

    private readonly List<Stage> _stages = [];

    private ModelBounds()
    {
    }

    /// <summary>Bound on |output|.</summary>
    public double OutputMagnitude { get; private set; }

    /// <summary>The bounds of a validated document.</summary>
    /// <exception cref="ModelFormatException">A layer type the planner cannot bound.</exception>
    public static ModelBounds Of(ModelDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var result = new ModelBounds();
        var bounds = InputBounds(document.Input);
        IReadOnlyList<int>? shape = document.Input.Shape;
        foreach (var layer in document.Layers)
        {
            switch (layer.Type, layer.Function)
            {
                case ("dense", _):
                    (bounds, var rowSum) = Linear(LayerMatrices.Dense(layer), bounds);
                    result._stages.Add(new Stage(rowSum, null, 0));
                    break;
                case ("conv2d", _):
                    var (convolution, convolutionBias, convolutionShape) = LayerMatrices.Convolution(layer, shape!);
                    (bounds, var convolutionRowSum) = Linear((convolution, convolutionBias), bounds);
                    result._stages.Add(new Stage(convolutionRowSum, null, 0));
                    shape = convolutionShape;
                    break;
                case ("avgpool", _):
                    var (pooling, poolingShape) = LayerMatrices.AveragePooling(layer, shape!);
                    (bounds, var poolingRowSum) = Linear((pooling, new double[pooling.Rows]), bounds);
                    result._stages.Add(new Stage(poolingRowSum, null, 0));
                    shape = poolingShape;
                    break;
                case ("flatten", _):
                    shape = null;
                    break;
                case ("activation", "square"):
                    var widest = layer.Lower is { } lo && layer.Upper is { } hi ? Math.Max(Math.Abs(lo), Math.Abs(hi)) : bounds.Max();
                    result._stages.Add(new Stage(0, null, widest));
                    bounds = [.. bounds.Select(b => Math.Min(b, widest) * Math.Min(b, widest))];
                    break;
                case ("activation", _):
                    var series = Series(layer);
                    result._stages.Add(new Stage(0, series, 0));
                    var peak = Peak(series);
                    bounds = [.. bounds.Select(_ => peak)];
                    break;
                default:
                    throw new ModelFormatException($"The planner cannot bound a layer of type '{layer.Type}'.");
            }
        }

        result.OutputMagnitude = bounds.Max();
        return result;
    }

    /// <summary>Bound on the CKKS error of an output (message units) on a context, for a model using this many rotation steps.</summary>
    public double Noise(EvaluationContext context, int rotations)
    {
        ArgumentNullException.ThrowIfNull(context);
        var n = context.SlotCount * 2;
        var rescale = CkksNoise.RescaleNoise(n) / context.DefaultScale;
        var error = CkksNoise.FreshNoise(n) / context.DefaultScale;
        foreach (var stage in _stages)
        {
            if (stage.Series is { } series)
            {
                error = PolynomialNoise.Measure(context, series, error);
            }
            else if (stage.SquareBound > 0)
            {
                error = (2 * stage.SquareBound * error) + (error * error) + rescale;
            }
            else
            {
                error = (Math.Max(1, stage.RowSum) * error) + ((2 + rotations) * rescale);
            }
        }

        return error + rescale;
    }

    private static double[] InputBounds(InputSchema input)
    {
        var result = new double[input.Features.Count];
        for (var t = 0; t < result.Length; t++)
        {
            if (input.Lower is null || input.Upper is null)
            {
                result[t] = AssumedStandardizedBound;
                continue;
            }

            var mean = input.Mean?[t] ?? 0;
            var scale = input.Scale?[t] ?? 1;
            result[t] = Math.Max(Math.Abs(input.Lower[t] - mean), Math.Abs(input.Upper[t] - mean)) / scale;
        }

        return result;
    }

    /// <summary>A linear layer (dense, a convolution or a pooling as its matrix): |bias_i| + Σ_j |M_ij|·b_j, and the largest row sum.</summary>
    private static (double[] Bounds, double RowSum) Linear((SparseMatrix Matrix, double[] Bias) layer, double[] inputs)
    {
        var (matrix, bias) = layer;
        var outputs = new double[matrix.Rows];
        for (var i = 0; i < outputs.Length; i++)
        {
            var bound = Math.Abs(bias[i]);
            foreach (var (column, value) in matrix.Row(i))
            {
                bound += Math.Abs(value) * inputs[column];
            }

            outputs[i] = bound;
        }

        return (outputs, matrix.MaxAbsRowSum());
    }

    private static ChebyshevSeries Series(LayerDocument layer) => layer.Function switch
    {
        "sigmoid" => Approximations.Sigmoid(layer.Lower!.Value, layer.Upper!.Value, layer.Degree ?? 31).Series,
        "smooth-relu" => Approximations.SmoothRelu(layer.Lower!.Value, layer.Upper!.Value, layer.Sharpness ?? 1, layer.Degree ?? 31).Series,
        _ => throw new ModelFormatException($"The planner cannot bound the activation '{layer.Function}'."),
    };

    /// <summary>max |p| on the interval, sampled densely, plus the largest sampled step between neighbours as margin.</summary>
    private static double Peak(ChebyshevSeries series)
    {
        const int samples = 4096;
        var peak = 0.0;
        var step = 0.0;
        var previous = series.Evaluate(series.Lower);
        for (var i = 0; i <= samples; i++)
        {
            var value = series.Evaluate(series.Lower + ((series.Upper - series.Lower) * i / samples));
            peak = Math.Max(peak, Math.Abs(value));
            step = Math.Max(step, Math.Abs(value - previous));
            previous = value;
        }

        return peak + step;
    }

    /// <summary>One layer: a dense layer (its largest row sum), a polynomial activation, or a square (its input bound).</summary>
    private sealed record Stage(double RowSum, ChebyshevSeries? Series, double SquareBound);
}
