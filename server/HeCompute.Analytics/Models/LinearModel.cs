using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Analytics.Polynomials;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Models;

/// <summary>
/// Encrypted inference for the linear model kinds (linear and logistic regression, multinomial logistic, linear SVM):
/// one dense layer, optionally followed by a sigmoid approximation for a binary logistic model.
/// </summary>
/// <remarks>
/// <para>
/// <b>Packing</b> (<see cref="EncryptedModelPacking"/>): records sit in blocks of <see cref="BlockWidth"/> slots, the smallest
/// power of two holding both the features and the outputs; feature t of record r is in slot r·w + t, standardised by
/// the client with the model's mean and scale. <see cref="RecordsPerCiphertext"/> = slots / w records per ciphertext
/// (30 features → w = 32 → 128 records at N = 8192).
/// </para>
/// <para>
/// <b>Output layout</b>: output c of record r is in slot r·w + c; every other slot is exactly zero (masked), and so
/// are the blocks of records beyond the count given to <see cref="Evaluate"/>.
/// </para>
/// <para>
/// <b>Circuit</b>: for each output c, a product with the weights replicated per block (1 level), a block sum to the
/// block's first slot (rotations 1, 2, …, w/2), a mask keeping those first slots (1 level), a rotation by −c
/// (c ≥ 1), then the sum over outputs plus the bias. Two levels; with the sigmoid, the mask lands at the sigmoid's
/// preferred input scale so its affine map is free, and a last mask zeroes σ(0) in unused slots: 3 + ⌈log2(d + 1)⌉.
/// </para>
/// </remarks>
public sealed class LinearModel : IEncryptedModel
{
    private readonly double[][] _weights;
    private readonly double[] _bias;

    /// <summary>Compiles a validated document of a linear kind for a slot count.</summary>
    /// <exception cref="ModelFormatException">The document is not a linear model or does not fit the slots.</exception>
    public LinearModel(ModelDocument document, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Validate();
        if (document.Kind is not (ModelKinds.LinearRegression or ModelKinds.LogisticRegression or ModelKinds.MultinomialLogistic or ModelKinds.LinearSvm))
        {
            throw new ModelFormatException($"'{document.Kind}' is not a linear model kind.");
        }

        var dense = document.Layers[0];
        if (dense.Type != "dense")
        {
            throw new ModelFormatException("A linear model starts with its dense layer.");
        }

        if (document.Layers.Count > 2 || (document.Layers.Count == 2 && (document.Kind != ModelKinds.LogisticRegression || document.Layers[1].Function != "sigmoid")))
        {
            throw new ModelFormatException("A linear model has one dense layer, followed only by a sigmoid for a logistic regression.");
        }

        Document = document;
        Features = document.Input.Features.Count;
        _weights = [.. dense.Weights!.Select(row => row.ToArray())];
        Outputs = _weights.Length;
        _bias = dense.Bias?.ToArray() ?? new double[Outputs];
        SlotCount = slotCount;
        BlockWidth = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(Features, Outputs));
        if (BlockWidth > slotCount)
        {
            throw new ModelFormatException($"{Features} features do not fit in {slotCount} slots.");
        }

        if (document.Layers.Count == 2)
        {
            var layer = document.Layers[1];
            Sigmoid = Approximations.Sigmoid(layer.Lower!.Value, layer.Upper!.Value, layer.Degree ?? 31);
        }
    }

    /// <summary>The document this model was compiled from.</summary>
    public ModelDocument Document { get; }

    /// <summary>Number of input features.</summary>
    public int Features { get; }

    /// <summary>Number of outputs per record.</summary>
    public int Outputs { get; }

    /// <summary>The slot count the model was compiled for.</summary>
    public int SlotCount { get; }

    /// <summary>w: slots per record (a power of two ≥ features and outputs).</summary>
    public int BlockWidth { get; }

    /// <summary>Records one ciphertext holds: slots / w.</summary>
    public int RecordsPerCiphertext => SlotCount / BlockWidth;

    /// <inheritdoc/>
    public int RecordStride => BlockWidth;

    /// <inheritdoc/>
    public IReadOnlyList<int> FeatureOffsets => [.. Enumerable.Range(0, Features)];

    /// <inheritdoc/>
    public int ReplicationPeriod => 0;

    /// <inheritdoc/>
    public int Copies => 1;

    /// <inheritdoc/>
    public IReadOnlyList<int> OutputOffsets => [.. Enumerable.Range(0, Outputs)];

    /// <inheritdoc/>
    public string OutputMeaning => Document.Kind switch
    {
        ModelKinds.LogisticRegression => Sigmoid is null ? "logit" : "probability",
        ModelKinds.MultinomialLogistic => "logits",
        ModelKinds.LinearSvm => "margin",
        _ => "value",
    };

    /// <inheritdoc/>
    public bool UsesRelinearization => Sigmoid is not null;

    /// <inheritdoc/>
    public double ApproximationError => Sigmoid?.MaxError ?? 0;

    /// <summary>The sigmoid approximation when the model returns a probability, else null.</summary>
    public ChebyshevApproximation? Sigmoid { get; }

    /// <inheritdoc/>
    /// <remarks>Per output with a non-zero weight: its product and mask, log2(block width) rotations of the block sum, and the rotation placing it.</remarks>
    public RotationWork Work
    {
        get
        {
            var outputs = Enumerable.Range(0, Outputs).Count(c => _weights[c].Any(v => v != 0));
            var sums = System.Numerics.BitOperations.Log2((uint)BlockWidth);
            var switches = (outputs * sums) + Math.Max(0, outputs - 1);
            return new RotationWork(switches, 0, 0, (2 * outputs) + (Sigmoid is null ? 0 : 1), 1, switches);
        }
    }

    /// <summary>The rotation steps the circuit uses (the only Galois keys a client must generate).</summary>
    public IReadOnlyList<int> RequiredSteps =>
        RotationSteps.Union(SlotCount, BlockSum.RequiredSteps(SlotCount, BlockWidth, BlockSumLayout.FirstSlot), Enumerable.Range(1, Outputs - 1).Select(c => -c));

    /// <summary>Levels consumed for an input at scale Δ.</summary>
    public int Depth(EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Sigmoid is null ? 2 : 3 + PolynomialEvaluator.Depth(context, Sigmoid.Series, PolynomialEvaluator.PreferredInputScale(context, Sigmoid.Series));
    }

    /// <summary>The plaintext computation of the same circuit (the dense layer, then the sigmoid polynomial if any).</summary>
    public double[] EvaluatePlain(ReadOnlySpan<double> standardizedFeatures)
    {
        var result = new double[Outputs];
        for (var c = 0; c < Outputs; c++)
        {
            var sum = _bias[c];
            for (var t = 0; t < Features; t++)
            {
                sum += _weights[c][t] * standardizedFeatures[t];
            }

            result[c] = Sigmoid is null ? sum : Sigmoid.EvaluatePlain(sum);
        }

        return result;
    }

    /// <summary>Evaluates on a ciphertext packed by <see cref="EncryptedModelPacking.Pack"/> holding <paramref name="recordCount"/> records.</summary>
    public Ciphertext Evaluate(EvaluationContext context, Ciphertext input, int recordCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (context.SlotCount != SlotCount)
        {
            throw new ArgumentException($"The model was compiled for {SlotCount} slots; the context has {context.SlotCount}.", nameof(context));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(recordCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recordCount, RecordsPerCiphertext);
        CiphertextOps.CheckInput(context, input, Depth(context), nameof(input));

        var heads = new double[recordCount * BlockWidth];
        for (var r = 0; r < recordCount; r++)
        {
            heads[r * BlockWidth] = 1;
        }

        double? maskScale = Sigmoid is null ? null : PolynomialEvaluator.PreferredInputScale(context, Sigmoid.Series);
        Ciphertext? sum = null;
        for (var c = 0; c < Outputs; c++)
        {
            if (!_weights[c].Any(v => v != 0))
            {
                continue;
            }

            var replicated = new double[SlotCount];
            for (var r = 0; r < RecordsPerCiphertext; r++)
            {
                _weights[c].CopyTo(replicated, r * BlockWidth);
            }

            var products = ElementwiseProduct.WithPlain(context, input, replicated);
            var sums = BlockSum.Apply(context, products, BlockWidth, BlockSumLayout.FirstSlot);
            var masked = ElementwiseProduct.WithPlain(context, sums, heads, maskScale);
            var placed = c == 0 ? masked : context.Rotate(masked, -c);
            sum = sum is null ? placed : CiphertextOps.Add(context, sum, placed);
        }

        if (sum is null)
        {
            throw new InvalidOperationException("Every weight is zero: the result would not depend on the input.");
        }

        var bias = new double[recordCount * BlockWidth];
        for (var r = 0; r < recordCount; r++)
        {
            _bias.CopyTo(bias, r * BlockWidth);
        }

        if (bias.Any(v => v != 0))
        {
            context.Evaluator.AddPlainInplace(sum, context.EncodeVector(bias, context.LevelOf(sum), sum.Scale));
        }

        if (Sigmoid is null)
        {
            return sum;
        }

        var probability = Sigmoid.Evaluate(context, sum);
        return ElementwiseProduct.WithPlain(context, probability, heads);
    }
}
