using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Polynomials;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Models;

/// <summary>
/// Encrypted inference for a multilayer perceptron with polynomial activations (kind <c>mlp</c>): dense layers by the
/// BSGS diagonal matrix–vector product, activations <c>square</c> or <c>smooth-relu</c>/<c>sigmoid</c> approximated
/// on their declared intervals.
/// </summary>
/// <remarks>
/// <para>
/// <b>Packing</b>: one record per ciphertext, replicated: slot s holds the standardised feature s mod d, with d the
/// smallest power of two ≥ every layer width (<see cref="Dimension"/>); <see cref="EncryptedModelPacking.Pack"/>.
/// </para>
/// <para>
/// <b>Output layout</b>: output c in slot c; every other slot is masked to zero.
/// </para>
/// <para>
/// <b>Depth</b>: one level per dense layer, ⌈log2(deg + 1)⌉ per polynomial activation (the dense layer before it
/// produces the activation's preferred input scale, so the affine map is free), one per square, and one for the
/// final mask.
/// </para>
/// </remarks>
public sealed class MlpModel : IEncryptedModel
{
    private readonly List<(DiagonalMatrix Matrix, double[] Bias)> _dense = [];
    private readonly List<FunctionApproximation?> _activations = [];
    private readonly List<double[,]> _weights = [];
    private readonly List<double> _squareLipschitz = [];

    /// <summary>Compiles a validated <c>mlp</c> document for a slot count.</summary>
    /// <param name="document">The document.</param>
    /// <param name="slotCount">Slots per ciphertext.</param>
    /// <param name="schedule">How every dense layer reaches its rotations (<see cref="RotationSchedule.Hoisted"/> if null).</param>
    public MlpModel(ModelDocument document, int slotCount, RotationSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Validate();
        if (document.Kind != ModelKinds.Mlp)
        {
            throw new ModelFormatException($"'{document.Kind}' is not an mlp.");
        }

        Document = document;
        SlotCount = slotCount;
        var widths = new List<int> { document.Input.Features.Count };
        widths.AddRange(document.Layers.Where(l => l.Type == "dense").Select(l => l.Weights!.Count));
        Dimension = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)widths.Max());
        if (Dimension > slotCount)
        {
            throw new ModelFormatException($"Layers of width {widths.Max()} do not fit in {slotCount} slots.");
        }

        var expectDense = true;
        foreach (var layer in document.Layers)
        {
            if ((layer.Type == "dense") != expectDense)
            {
                throw new ModelFormatException("An mlp alternates dense and activation layers, starting and ending with dense.");
            }

            if (layer.Type == "dense")
            {
                var rows = layer.Weights!.Count;
                var columns = layer.Weights[0].Count;
                var matrix = new double[rows, columns];
                for (var i = 0; i < rows; i++)
                {
                    for (var j = 0; j < columns; j++)
                    {
                        matrix[i, j] = layer.Weights[i][j];
                    }
                }

                var layout = MatrixVectorLayout.Create(rows, columns, slotCount, VectorPacking.Replicated, Dimension);
                _weights.Add(matrix);
                _dense.Add((new DiagonalMatrix(matrix, layout, schedule), layer.Bias?.ToArray() ?? new double[rows]));
            }
            else
            {
                _squareLipschitz.Add(layer.Lower is { } lower && layer.Upper is { } upper ? 2 * Math.Max(Math.Abs(lower), Math.Abs(upper)) : 2);
                _activations.Add(layer.Function switch
                {
                    "square" => null,
                    "sigmoid" => Approximations.Sigmoid(layer.Lower!.Value, layer.Upper!.Value, layer.Degree ?? 31),
                    _ => Approximations.SmoothRelu(layer.Lower!.Value, layer.Upper!.Value, layer.Sharpness ?? 1, layer.Degree ?? 31),
                });
            }

            expectDense = !expectDense;
        }

        if (expectDense)
        {
            throw new ModelFormatException("An mlp ends with a dense layer.");
        }

        Outputs = _dense[^1].Bias.Length;
    }

    /// <summary>The document this model was compiled from.</summary>
    public ModelDocument Document { get; }

    /// <summary>The slot count the model was compiled for.</summary>
    public int SlotCount { get; }

    /// <summary>d: the replication period (a power of two ≥ every layer width).</summary>
    public int Dimension { get; }

    /// <summary>Number of outputs.</summary>
    public int Outputs { get; }

    /// <inheritdoc/>
    public int RecordsPerCiphertext => 1;

    /// <inheritdoc/>
    public int RecordStride => SlotCount;

    /// <inheritdoc/>
    public IReadOnlyList<int> FeatureOffsets => [.. Enumerable.Range(0, Document.Input.Features.Count)];

    /// <inheritdoc/>
    public int ReplicationPeriod => Dimension;

    /// <inheritdoc/>
    public int Copies => SlotCount / Dimension;

    /// <inheritdoc/>
    public IReadOnlyList<int> OutputOffsets => [.. Enumerable.Range(0, Outputs)];

    /// <inheritdoc/>
    public string OutputMeaning => Outputs == 1 ? "value" : "logits";

    /// <inheritdoc/>
    public bool UsesRelinearization => true;

    /// <inheritdoc/>
    /// <remarks>
    /// Propagated layer by layer: an activation adds its measured error to L·(error in) with L the reference
    /// function's Lipschitz bound on its interval (for square, 2·max(|lower|, |upper|) of the declared interval, or
    /// 2 when none is declared), and a dense layer multiplies by its largest absolute row sum.
    /// </remarks>
    public double ApproximationError
    {
        get
        {
            var error = 0.0;
            for (var layer = 0; layer < _dense.Count; layer++)
            {
                var rowSum = 0.0;
                var matrix = _weights[layer];
                for (var i = 0; i < matrix.GetLength(0); i++)
                {
                    var sum = 0.0;
                    for (var j = 0; j < matrix.GetLength(1); j++)
                    {
                        sum += Math.Abs(matrix[i, j]);
                    }

                    rowSum = Math.Max(rowSum, sum);
                }

                error *= rowSum;
                if (layer < _activations.Count)
                {
                    var activation = _activations[layer];
                    error = activation is null
                        ? error * _squareLipschitz[layer]
                        : (error * activation.Lipschitz) + activation.MaxError;
                }
            }

            return error;
        }
    }

    /// <summary>The activation approximations in order (null for square).</summary>
    public IReadOnlyList<FunctionApproximation?> Activations => _activations;

    /// <summary>The largest number of baby steps g of a dense layer (the widest group a rotation schedule can have).</summary>
    public int MaxBabySteps => _dense.Select(d => d.Matrix.Layout.BabySteps).Max();

    /// <inheritdoc/>
    /// <remarks>The dense layers' products and the final mask.</remarks>
    public RotationWork Work => RotationWork.Sum(_dense.Select(d => d.Matrix.Work)) + new RotationWork(0, 0, 0, 1, 0, 0);

    /// <summary>The rotation steps of all dense layers (the only Galois keys a client must generate).</summary>
    public IReadOnlyList<int> RequiredSteps => RotationSteps.Union(SlotCount, [.. _dense.Select(d => d.Matrix.RequiredSteps)]);

    /// <summary>Levels consumed for an input at scale Δ.</summary>
    public int Depth(EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var depth = _dense.Count + 1;
        foreach (var activation in _activations)
        {
            depth += activation is ChebyshevApproximation chebyshev
                ? PolynomialEvaluator.Depth(context, chebyshev.Series, PolynomialEvaluator.PreferredInputScale(context, chebyshev.Series))
                : 1;
        }

        return depth;
    }

    /// <summary>The plaintext computation of the same network (same polynomials), on standardised features.</summary>
    public double[] EvaluatePlain(ReadOnlySpan<double> standardizedFeatures)
    {
        var x = standardizedFeatures.ToArray();
        for (var layer = 0; layer < _dense.Count; layer++)
        {
            var matrix = _weights[layer];
            var y = (double[])_dense[layer].Bias.Clone();
            for (var i = 0; i < y.Length; i++)
            {
                for (var j = 0; j < x.Length; j++)
                {
                    y[i] += matrix[i, j] * x[j];
                }
            }

            if (layer < _activations.Count)
            {
                var activation = _activations[layer];
                y = [.. y.Select(v => activation is null ? v * v : activation.EvaluatePlain(v))];
            }

            x = y;
        }

        return x;
    }

    /// <inheritdoc/>
    public Ciphertext Evaluate(EvaluationContext context, Ciphertext input, int recordCount)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(recordCount, 1);
        return Evaluate(context, input);
    }

    /// <summary>Evaluates on one record packed by <see cref="EncryptedModelPacking.Pack"/>.</summary>
    public Ciphertext Evaluate(EvaluationContext context, Ciphertext input)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SlotCount != SlotCount)
        {
            throw new ArgumentException($"The model was compiled for {SlotCount} slots; the context has {context.SlotCount}.", nameof(context));
        }

        CiphertextOps.CheckInput(context, input, Depth(context), nameof(input));
        var x = input;
        for (var layer = 0; layer < _dense.Count; layer++)
        {
            var activation = layer < _activations.Count ? _activations[layer] : null;
            double? outputScale = layer < _activations.Count && activation is ChebyshevApproximation chebyshev
                ? PolynomialEvaluator.PreferredInputScale(context, chebyshev.Series)
                : context.DefaultScale;
            var (matrix, bias) = _dense[layer];
            x = matrix.Multiply(context, x, bias, outputScale);
            if (layer < _activations.Count)
            {
                x = activation is null ? ElementwiseProduct.Square(context, x) : activation.Evaluate(context, x);
            }
        }

        var keep = new double[Outputs];
        Array.Fill(keep, 1.0);
        return ElementwiseProduct.WithPlain(context, x, keep, context.DefaultScale);
    }
}
