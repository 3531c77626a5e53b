using System.Numerics;
using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Polynomials;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Models;

/// <summary>
/// Encrypted inference for a small convolutional network (kind <c>cnn</c>): conv2d, avgpool, flatten and dense layers
/// with square or polynomial activations, several images per ciphertext.
/// </summary>
/// <remarks>
/// <para>
/// <b>Lowering</b>: conv2d, avgpool and dense are linear maps of the flattened C-H-W tensor (<see cref="LayerMatrices"/>);
/// every run of them with no activation in between is multiplied into one sparse matrix and bias (exact algebra: an
/// average pooling folds into the convolution before it or the dense layer after it), so each run costs one level and
/// one BSGS diagonal product (<see cref="DiagonalMatrix"/>: hoisted baby rotations, all-zero diagonals skipped).
/// </para>
/// <para>
/// <b>Packing</b>: with d the largest padded dimension of the runs (a power of two ≥ every run's rows and columns),
/// image b occupies the block of 2d slots starting at b·2d (<see cref="RecordStride"/>); its standardised pixels are
/// at offsets 0 … n−1 of the block and again, as the wrap-around copy the first product reads, at d₁ … d₁+n−1 (d₁ the
/// first run's dimension: <see cref="ReplicationPeriod"/>, <see cref="Copies"/> = 2). Every rotation of a product is
/// shorter than 2d and its diagonals are tiled per block, so slots/(2d) images share one ciphertext and never mix; the
/// later products make their own copy with one rotation by −dₗ.
/// </para>
/// <para>
/// <b>Zeros stay zero</b>: a product leaves every slot of a block outside its rows at zero, and an activation p is
/// evaluated as p − p(0) with p(0)·(row sums of the next matrix) moved into the next bias, so the unused slots, the
/// copy regions and the blocks of absent images stay zero through the network without a mask; biases are added in
/// the blocks of the images present only. Output c of image b is slot b·2d + c; every other slot is zero up to
/// CKKS noise.
/// </para>
/// <para>
/// <b>Depth</b>: one level per linear run, one per square, ⌈log2(deg + 1)⌉ per polynomial activation (the product
/// before it lands on the polynomial's preferred input scale, so the affine map is free).
/// </para>
/// </remarks>
public sealed class CnnModel : IEncryptedModel
{
    /// <summary>Largest padded dimension d of a linear run (a block is 2d slots).</summary>
    public const int MaxDimension = 4096;

    private readonly List<Stage> _stages = [];

    /// <summary>Compiles a validated <c>cnn</c> document for a slot count.</summary>
    /// <param name="document">The document.</param>
    /// <param name="slotCount">Slots per ciphertext.</param>
    /// <param name="schedule">How every linear run reaches its rotations (<see cref="RotationSchedule.Hoisted"/> if null).</param>
    /// <exception cref="ModelFormatException">The document is not a cnn, its layers do not alternate linear runs and activations, or it does not fit the slots.</exception>
    public CnnModel(ModelDocument document, int slotCount, RotationSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Validate();
        if (document.Kind != ModelKinds.Cnn)
        {
            throw new ModelFormatException($"'{document.Kind}' is not a cnn.");
        }

        if (slotCount < 2 || !BitOperations.IsPow2(slotCount))
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count is a power of two.");
        }

        Document = document;
        SlotCount = slotCount;
        BuildStages(document);
        Outputs = _stages[^1].Matrix.Rows;
        Dimension = 1;
        foreach (var stage in _stages)
        {
            Dimension = Math.Max(Dimension, PaddedDimension(stage.Matrix));
        }

        if (Dimension > MaxDimension || 2 * Dimension > slotCount)
        {
            throw new ModelFormatException($"The network's widest linear run needs d = {Dimension} (blocks of {2 * Dimension} slots); the limit is d ≤ {Math.Min(MaxDimension, slotCount / 2)} for {slotCount} slots.");
        }

        for (var i = 0; i < _stages.Count; i++)
        {
            var stage = _stages[i];
            var layout = MatrixVectorLayout.Create(
                stage.Matrix.Rows,
                stage.Matrix.Columns,
                slotCount,
                i == 0 ? VectorPacking.CompactWithCopy : VectorPacking.Compact,
                PaddedDimension(stage.Matrix),
                blockStride: 2 * Dimension);
            stage.Product = new DiagonalMatrix(stage.Matrix, layout, schedule);
        }
    }

    /// <summary>The document this model was compiled from.</summary>
    public ModelDocument Document { get; }

    /// <summary>The slot count the model was compiled for.</summary>
    public int SlotCount { get; }

    /// <summary>d: the largest padded dimension of the linear runs; an image occupies 2d slots.</summary>
    public int Dimension { get; }

    /// <summary>Number of outputs (logits) per image.</summary>
    public int Outputs { get; }

    /// <summary>Linear runs after folding (each one diagonal product and one level).</summary>
    public int LinearRuns => _stages.Count;

    /// <summary>Non-zero diagonals of each linear run (each one encoded plaintext per level it is used at).</summary>
    public IReadOnlyList<int> DiagonalCounts => [.. _stages.Select(s => s.Product!.NonZeroDiagonals)];

    /// <inheritdoc/>
    public int RecordsPerCiphertext => SlotCount / (2 * Dimension);

    /// <inheritdoc/>
    public int RecordStride => 2 * Dimension;

    /// <inheritdoc/>
    public IReadOnlyList<int> FeatureOffsets => [.. Enumerable.Range(0, Document.Input.Features.Count)];

    /// <inheritdoc/>
    public int ReplicationPeriod => _stages[0].Product!.Layout.Dimension;

    /// <inheritdoc/>
    public int Copies => 2;

    /// <inheritdoc/>
    public IReadOnlyList<int> OutputOffsets => [.. Enumerable.Range(0, Outputs)];

    /// <inheritdoc/>
    public string OutputMeaning => Outputs == 1 ? "logit" : "logits";

    /// <inheritdoc/>
    public bool UsesRelinearization => _stages.Any(s => s.Activation is not null);

    /// <summary>The largest number of baby steps g of a linear run (the widest group a rotation schedule can have).</summary>
    public int MaxBabySteps => _stages.Select(s => s.Product!.Layout.BabySteps).Max();

    /// <inheritdoc/>
    public RotationWork Work => RotationWork.Sum(_stages.Select(s => s.Product!.Work));

    /// <inheritdoc/>
    public IReadOnlyList<int> RequiredSteps => RotationSteps.Union(SlotCount, [.. _stages.Select(s => s.Product!.RequiredSteps)]);

    /// <inheritdoc/>
    /// <remarks>
    /// Propagated run by run as for <see cref="MlpModel"/>: a linear run multiplies the error by its largest absolute row
    /// sum; a polynomial activation adds its measured error to its Lipschitz bound times the error in; a square
    /// multiplies it by 2·max(|lower|, |upper|) of its declared interval (2 without one).
    /// </remarks>
    public double ApproximationError
    {
        get
        {
            var error = 0.0;
            foreach (var stage in _stages)
            {
                error *= stage.Matrix.MaxAbsRowSum();
                error = stage.Activation switch
                {
                    null => error,
                    Activation { Polynomial: { } polynomial } => (error * polynomial.Lipschitz) + polynomial.MaxError,
                    Activation square => error * square.SquareLipschitz,
                };
            }

            return error;
        }
    }

    /// <summary>Levels consumed for an input at scale Δ.</summary>
    public int Depth(EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var depth = 0;
        foreach (var stage in _stages)
        {
            depth++;
            if (stage.Activation is { } activation)
            {
                depth += activation.Shifted is { } series ? PolynomialEvaluator.Depth(context, series, PolynomialEvaluator.PreferredInputScale(context, series)) : 1;
            }
        }

        return depth;
    }

    /// <summary>
    /// Bytes the compiled model holds: each run's folded sparse matrix (16 bytes an entry) and bias, and its diagonals
    /// (<see cref="DiagonalMatrix.ResidentBytes"/>). Encoded plaintexts are not counted: they live in the context's
    /// <see cref="IPlaintextCache"/>, under the host's budget.
    /// </summary>
    public long ResidentBytes
    {
        get
        {
            var bytes = 0L;
            foreach (var stage in _stages)
            {
                bytes += (16L * stage.Matrix.NonZeros) + (sizeof(double) * (long)stage.Bias.Length) + stage.Product!.ResidentBytes;
            }

            return bytes;
        }
    }

    /// <summary>
    /// Bytes of the encoded diagonals once every run has been used (the cache <see cref="DiagonalMatrix"/> keeps per
    /// level): a plaintext at level ℓ is 8·N·(ℓ + 1) bytes.
    /// </summary>
    public long EncodedDiagonalBytes(EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var level = context.TopLevel;
        var bytes = 0L;
        foreach (var stage in _stages)
        {
            bytes += (long)stage.Product!.NonZeroDiagonals * 8 * 2 * SlotCount * (level + 1);
            level--;
            if (stage.Activation is { } activation)
            {
                level -= activation.Shifted is { } series ? PolynomialEvaluator.Depth(context, series, PolynomialEvaluator.PreferredInputScale(context, series)) : 1;
            }
        }

        return bytes;
    }

    /// <summary>The plaintext computation of the same network (same polynomials), on standardised pixels.</summary>
    public double[] EvaluatePlain(ReadOnlySpan<double> standardizedFeatures)
    {
        var x = standardizedFeatures.ToArray();
        foreach (var stage in _stages)
        {
            var y = stage.Matrix.Apply(x);
            for (var i = 0; i < y.Length; i++)
            {
                y[i] += stage.Bias[i];
                if (stage.Activation is { } activation)
                {
                    y[i] = activation.Shifted is { } series ? series.Evaluate(y[i]) : y[i] * y[i];
                }
            }

            x = y;
        }

        return x;
    }

    /// <inheritdoc/>
    public Ciphertext Evaluate(EvaluationContext context, Ciphertext input, int recordCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SlotCount != SlotCount)
        {
            throw new ArgumentException($"The model was compiled for {SlotCount} slots; the context has {context.SlotCount}.", nameof(context));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(recordCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recordCount, RecordsPerCiphertext);
        CiphertextOps.CheckInput(context, input, Depth(context), nameof(input));
        var x = input;
        for (var i = 0; i < _stages.Count; i++)
        {
            var stage = _stages[i];
            var next = stage.Activation?.Shifted;
            var outputScale = next is null ? context.DefaultScale : PolynomialEvaluator.PreferredInputScale(context, next);
            x = stage.Product!.Multiply(context, x, default, outputScale);
            AddBias(context, x, stage.Bias, recordCount);
            if (stage.Activation is { } activation)
            {
                x = next is null ? ElementwiseProduct.Square(context, x) : PolynomialEvaluator.Evaluate(context, x, next);
            }
        }

        return x;
    }

    private static int PaddedDimension(SparseMatrix matrix) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(matrix.Rows, matrix.Columns));

    private void AddBias(EvaluationContext context, Ciphertext x, double[] bias, int recordCount)
    {
        if (!bias.AsSpan().ContainsAnyExcept(0.0))
        {
            return;
        }

        var slots = new double[recordCount * RecordStride];
        for (var b = 0; b < recordCount; b++)
        {
            bias.CopyTo(slots, b * RecordStride);
        }

        context.Evaluator.AddPlainInplace(x, context.EncodeVector(slots, context.LevelOf(x), x.Scale));
    }

    private void BuildStages(ModelDocument document)
    {
        IReadOnlyList<int> shape = document.Input.Shape!;
        SparseMatrix? matrix = null;
        double[]? bias = null;
        Activation? pending = null;
        for (var index = 0; index < document.Layers.Count; index++)
        {
            var layer = document.Layers[index];
            (SparseMatrix Matrix, double[] Bias)? linear = null;
            switch (layer.Type)
            {
                case LayerTypes.Flatten:
                    shape = [shape.Aggregate(1, (p, n) => p * n)];
                    continue;
                case LayerTypes.Conv2d:
                    var (convolution, convolutionBias, convolutionShape) = LayerMatrices.Convolution(layer, shape);
                    linear = (convolution, convolutionBias);
                    shape = convolutionShape;
                    break;
                case LayerTypes.AvgPool:
                    var (pooling, poolingShape) = LayerMatrices.AveragePooling(layer, shape);
                    linear = (pooling, new double[pooling.Rows]);
                    shape = poolingShape;
                    break;
                case LayerTypes.Dense:
                    linear = LayerMatrices.Dense(layer);
                    shape = [linear.Value.Matrix.Rows];
                    break;
                default:
                    if (matrix is null)
                    {
                        throw new ModelFormatException($"Layer {index} ({layer.Function}): a cnn applies an activation only after a linear layer (conv2d, avgpool or dense), one activation at a time.");
                    }

                    _stages.Add(new Stage(matrix, bias!, pending));
                    pending = Activation.From(index, layer);
                    matrix = null;
                    bias = null;
                    continue;
            }

            var (m, c) = linear.Value;
            if (matrix is null)
            {
                // The previous activation's p(0) reaches every input of this run: p = (p − p(0)) + p(0).
                var shifted = pending?.ZeroValue is { } zero and not 0 ? m.Apply(Enumerable.Repeat(zero, m.Columns).ToArray()) : null;
                matrix = m;
                bias = shifted is null ? c : [.. c.Select((v, i) => v + shifted[i])];
            }
            else
            {
                var carried = m.Apply(bias!);
                matrix = m.Times(matrix);
                bias = [.. c.Select((v, i) => v + carried[i])];
            }
        }

        if (matrix is null)
        {
            throw new ModelFormatException("A cnn ends with a linear layer (its logits); apply a trailing sigmoid or softmax on the client.");
        }

        _stages.Add(new Stage(matrix, bias!, pending));
        ShiftActivations();
    }

    // Each stage was built with the activation that precedes it; the circuit applies it after the previous product.
    private void ShiftActivations()
    {
        for (var i = 0; i < _stages.Count; i++)
        {
            _stages[i].Activation = i + 1 < _stages.Count ? _stages[i + 1].Preceding : null;
        }
    }

    /// <summary>One linear run (folded layers) and the activation after it.</summary>
    private sealed class Stage(SparseMatrix matrix, double[] bias, Activation? preceding)
    {
        public SparseMatrix Matrix { get; } = matrix;

        public double[] Bias { get; } = bias;

        public Activation? Preceding { get; } = preceding;

        public Activation? Activation { get; set; }

        public DiagonalMatrix? Product { get; set; }
    }

    /// <summary>An activation: square (exact) or a Chebyshev approximation with its constant p(0) moved to the next bias.</summary>
    private sealed record Activation(ChebyshevApproximation? Polynomial, ChebyshevSeries? Shifted, double ZeroValue, double SquareLipschitz)
    {
        public static Activation From(int index, LayerDocument layer)
        {
            if (layer.Function == "square")
            {
                var bound = layer.Lower is { } lower && layer.Upper is { } upper ? 2 * Math.Max(Math.Abs(lower), Math.Abs(upper)) : 2;
                return new Activation(null, null, 0, bound);
            }

            var (lo, hi) = (layer.Lower!.Value, layer.Upper!.Value);
            if (!(lo < 0 && hi > 0))
            {
                throw new ModelFormatException($"Layer {index} ({layer.Function}): a cnn's activation interval must contain 0 (the unused slots hold zeros); it is [{lo}, {hi}].");
            }

            var polynomial = layer.Function == "sigmoid"
                ? Approximations.Sigmoid(lo, hi, layer.Degree ?? 31)
                : Approximations.SmoothRelu(lo, hi, layer.Sharpness ?? 1, layer.Degree ?? 31);
            var zero = polynomial.Series.Evaluate(0);
            var coefficients = polynomial.Series.Coefficients.ToArray();
            coefficients[0] -= zero;
            return new Activation(polynomial, new ChebyshevSeries(lo, hi, coefficients), zero, 0);
        }
    }
}
