using HeCompute.Analytics.Models;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Onnx;

/// <summary>
/// Converts an ONNX model of a sequential network into a <see cref="ModelDocument"/>. Supported operators: Gemm,
/// MatMul + Add (bias) → dense; Conv (group 1, dilation 1, symmetric pads) → conv2d; AveragePool (no padding) →
/// avgpool; Flatten (axis 1) and Reshape to [N, features] → flatten; Relu → smooth-relu x·σ(x) on the declared
/// interval (a substitution: the polynomial approximates x·σ(x), which differs from Relu by at most 0.278);
/// Sigmoid → sigmoid approximation; Mul(x, x) and Pow(x, 2) → square; BatchNormalization folded into the Conv or
/// dense layer before it (exact); Identity and Dropout skipped; a trailing Softmax dropped (the outputs become logits,
/// softmax on the client); a trailing Sigmoid kept as the probability of a logistic regression, dropped otherwise
/// (the output is the logit). Anything else is a <see cref="ModelFormatException"/> naming the operator and node.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The operators the importer understands, as listed in its errors.</summary>
    public const string SupportedOperators =
        "Gemm, MatMul, Add (bias), Conv, AveragePool, Flatten, Reshape (as a flatten), Relu, Sigmoid, Mul(x, x), Pow(x, 2), BatchNormalization (folded), Identity, Dropout, Softmax (last node only)";

    /// <summary>Reads an ONNX model and converts it.</summary>
    /// <exception cref="ModelFormatException">Malformed bytes, an unsupported operator or graph shape, or a document that does not validate.</exception>
    public static ModelDocument Import(ReadOnlySpan<byte> onnx, OnnxImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Features is not { Count: > 0 })
        {
            throw new ModelFormatException("The import options list no features.");
        }

        var graph = OnnxGraph.Parse(onnx);
        var state = new ImportState(graph, options);
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            state.Apply(graph.Nodes[i], isLast: graph.Nodes.Skip(i + 1).All(n => n.OpType is "Identity" or "Dropout"));
        }

        return state.Finish();
    }

    /// <summary>The conversion of one graph: the chain's current tensor and shape, and the layers so far.</summary>
    private sealed class ImportState
    {
        private readonly OnnxGraph _graph;
        private readonly OnnxImportOptions _options;
        private readonly List<LayerDocument> _layers = [];
        private readonly IReadOnlyList<int> _inputShape;
        private IReadOnlyList<int> _shape;
        private string _current;
        private bool _trailingSigmoid;

        public ImportState(OnnxGraph graph, OnnxImportOptions options)
        {
            _graph = graph;
            _options = options;
            var inputs = graph.Inputs.Where(i => !graph.Initializers.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
            {
                throw new ModelFormatException($"The ONNX graph has {inputs.Count} data inputs; a model takes exactly one.");
            }

            _current = inputs[0].Name;
            var dims = inputs[0].Dims;
            _inputShape = options.InputShape
                ?? (dims.Count == 4 && dims.Skip(1).All(d => d is > 0 and <= LayerDocument.MaxTensorElements) ? [.. dims.Skip(1).Select(d => (int)d!.Value)] : [options.Features.Count]);
            if (_inputShape.Count is not (1 or 3) || _inputShape.Any(n => n < 1) || _inputShape.Aggregate(1L, (p, n) => p * n) != options.Features.Count)
            {
                throw new ModelFormatException($"The input shape [{string.Join(", ", _inputShape)}] does not hold the {options.Features.Count} features.");
            }

            _shape = _inputShape;
        }

        public void Apply(OnnxNode node, bool isLast)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw Unsupported(node);
            }

            if (_trailingSigmoid)
            {
                throw new ModelFormatException($"Sigmoid is supported as an activation between layers or as the last node; {node.Describe()} follows a Sigmoid that ends the network.");
            }

            switch (node.OpType)
            {
                case "Identity":
                case "Dropout":
                    Data(node, 1);
                    break;
                case "Gemm":
                    Gemm(node);
                    break;
                case "MatMul":
                    var b = Weight(node, 1, 2);
                    var (n, m) = ((int)b.Dims[0], (int)b.Dims[1]);
                    Add(node, new LayerDocument { Type = LayerTypes.Dense, Weights = [.. Enumerable.Range(0, m).Select(o => (IReadOnlyList<double>)[.. Enumerable.Range(0, n).Select(i => b.Values[(i * m) + o])])] });
                    break;
                case "Add":
                    AddBias(node);
                    break;
                case "Conv":
                    Conv(node);
                    break;
                case "AveragePool":
                    AveragePool(node);
                    break;
                case "Flatten":
                    if (Int(node, "axis", 1) != 1)
                    {
                        throw new ModelFormatException($"{node.Describe()}: only axis 1 (batch × features) is supported.");
                    }

                    Add(node, new LayerDocument { Type = LayerTypes.Flatten });
                    break;
                case "Reshape":
                    Reshape(node);
                    break;
                case "Relu":
                    Add(node, Activation("smooth-relu"));
                    break;
                case "Sigmoid":
                    Add(node, Activation("sigmoid"));
                    _trailingSigmoid = isLast;
                    break;
                case "Mul":
                    if (node.Inputs.Count != 2 || node.Inputs[0] != _current || node.Inputs[1] != _current)
                    {
                        throw new ModelFormatException($"{node.Describe()}: Mul is supported only as x·x (square).");
                    }

                    Add(node, new LayerDocument { Type = LayerTypes.Activation, Function = "square" });
                    break;
                case "Pow":
                    var exponent = Weight(node, 1, -1);
                    if (exponent.Values.Count != 1 || exponent.Values[0] != 2)
                    {
                        throw new ModelFormatException($"{node.Describe()}: Pow is supported only with exponent 2 (square).");
                    }

                    Add(node, new LayerDocument { Type = LayerTypes.Activation, Function = "square" });
                    break;
                case "BatchNormalization":
                    BatchNormalization(node);
                    break;
                case "Softmax":
                    if (!isLast)
                    {
                        throw new ModelFormatException($"{node.Describe()} is supported only as the last node (it is dropped: the outputs are logits and the client applies softmax).");
                    }

                    Data(node, 1);
                    break;
                default:
                    throw Unsupported(node);
            }
        }

        public ModelDocument Finish()
        {
            if (_graph.Outputs.Count != 1 || _graph.Outputs[0] != _current)
            {
                throw new ModelFormatException($"The ONNX graph's outputs [{string.Join(", ", _graph.Outputs)}] are not the single end of its chain of nodes ('{_current}').");
            }

            var denseLayers = _layers.Count(l => l.Type == LayerTypes.Dense);
            var kind = _options.Kind ?? (_layers.Any(l => l.Type == LayerTypes.Conv2d) ? ModelKinds.Cnn
                : denseLayers > 1 ? ModelKinds.Mlp
                : _shape is [1] && _trailingSigmoid ? ModelKinds.LogisticRegression
                : _shape is [1] ? ModelKinds.LinearRegression
                : ModelKinds.MultinomialLogistic);
            if (_trailingSigmoid && kind != ModelKinds.LogisticRegression)
            {
                // A cnn, mlp or other linear kind returns the logit; the client applies σ exactly.
                _layers.RemoveAt(_layers.Count - 1);
            }

            var document = new ModelDocument
            {
                Kind = kind,
                Input = new InputSchema
                {
                    Features = _options.Features,
                    Mean = _options.Mean,
                    Scale = _options.Scale,
                    Lower = _options.Lower,
                    Upper = _options.Upper,
                    Shape = _inputShape.Count == 3 ? _inputShape : null,
                },
                Layers = _layers,
                Outputs = _options.Outputs,
            };
            document.Validate();
            return document;
        }

        private static ModelFormatException Unsupported(OnnxNode node) =>
            new($"Unsupported ONNX operator {node.Describe()}{(node.Domain is "" or "ai.onnx" ? "" : $" in domain '{node.Domain}'")}. Supported: {SupportedOperators}.");

        private static long Int(OnnxNode node, string name, long fallback) =>
            node.Attributes.TryGetValue(name, out var a) ? a.Int ?? throw new ModelFormatException($"{node.Describe()}: attribute {name} is not an integer.") : fallback;

        private static double Float(OnnxNode node, string name, double fallback) =>
            node.Attributes.TryGetValue(name, out var a) ? a.Float ?? throw new ModelFormatException($"{node.Describe()}: attribute {name} is not a float.") : fallback;

        private static IReadOnlyList<long>? Ints(OnnxNode node, string name) => node.Attributes.TryGetValue(name, out var a) ? a.Ints : null;

        private LayerDocument Activation(string function) => new()
        {
            Type = LayerTypes.Activation,
            Function = function,
            Lower = _options.ActivationLower ?? -8,
            Upper = _options.ActivationUpper ?? 8,
            Degree = _options.ActivationDegree ?? 31,
        };

        // Checks that the node reads the chain's current tensor as its first input and moves the chain to its output.
        private void Data(OnnxNode node, int maxInputs)
        {
            if (node.Inputs.Count < 1 || node.Inputs.Count > maxInputs || node.Inputs[0] != _current || node.Outputs.Count < 1)
            {
                throw new ModelFormatException($"{node.Describe()} does not continue the chain from '{_current}' (the importer reads sequential networks: each node takes the previous node's output and weights).");
            }

            _current = node.Outputs[0];
        }

        // An initializer input of the node; rank −1 accepts any rank.
        private OnnxTensor Weight(OnnxNode node, int index, int rank)
        {
            if (index >= node.Inputs.Count || !_graph.Initializers.TryGetValue(node.Inputs[index], out var tensor))
            {
                throw new ModelFormatException($"{node.Describe()}: input {index} must be a constant initializer (weights).");
            }

            if (rank >= 0 && tensor.Dims.Count != rank)
            {
                throw new ModelFormatException($"{node.Describe()}: weight '{tensor.Name}' has {tensor.Dims.Count} dimensions, expected {rank}.");
            }

            return tensor;
        }

        private void Add(OnnxNode node, LayerDocument layer)
        {
            Data(node, node.OpType == "Mul" ? 2 : node.Inputs.Count);
            _shape = layer.Validate(_layers.Count, _shape);
            _layers.Add(layer);
        }

        private void Replace(LayerDocument layer) => _layers[^1] = layer;

        private void Gemm(OnnxNode node)
        {
            if (Int(node, "transA", 0) != 0)
            {
                throw new ModelFormatException($"{node.Describe()}: transA = 1 is not supported.");
            }

            var b = Weight(node, 1, 2);
            var alpha = Float(node, "alpha", 1);
            var beta = Float(node, "beta", 1);
            var transB = Int(node, "transB", 0) != 0;
            var (rows, columns) = transB ? ((int)b.Dims[0], (int)b.Dims[1]) : ((int)b.Dims[1], (int)b.Dims[0]);
            var weights = Enumerable.Range(0, rows)
                .Select(o => (IReadOnlyList<double>)[.. Enumerable.Range(0, columns).Select(i => alpha * b.Values[transB ? (o * columns) + i : (i * rows) + o])])
                .ToList();
            double[]? bias = null;
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                var c = Weight(node, 2, -1);
                bias = c.Values.Count == rows ? [.. c.Values.Select(v => beta * v)]
                    : c.Values.Count == 1 ? [.. Enumerable.Repeat(beta * c.Values[0], rows)]
                    : throw new ModelFormatException($"{node.Describe()}: bias '{c.Name}' has {c.Values.Count} values for {rows} outputs.");
            }

            Add(node, new LayerDocument { Type = LayerTypes.Dense, Weights = weights, Bias = bias });
        }

        private void AddBias(OnnxNode node)
        {
            var addend = node.Inputs.Count == 2 && node.Inputs[0] == _current ? Weight(node, 1, -1) : null;
            var last = _layers.Count > 0 ? _layers[^1] : null;
            if (addend is null || last?.Type is not (LayerTypes.Dense or LayerTypes.Conv2d))
            {
                throw new ModelFormatException($"{node.Describe()}: Add is supported only as the bias of the MatMul, Gemm or Conv before it.");
            }

            var outputs = last.Type == LayerTypes.Dense ? last.Weights!.Count : last.KernelShape![0];
            if (addend.Values.Count != outputs && addend.Values.Count != 1)
            {
                throw new ModelFormatException($"{node.Describe()}: the bias '{addend.Name}' has {addend.Values.Count} values for {outputs} outputs.");
            }

            var bias = Enumerable.Range(0, outputs).Select(o => (last.Bias?[o] ?? 0) + addend.Values[addend.Values.Count == 1 ? 0 : o]).ToArray();
            Data(node, 2);
            Replace(last with { Bias = bias });
        }

        private void Conv(OnnxNode node)
        {
            var w = Weight(node, 1, 4);
            if (Int(node, "group", 1) is var group && group != 1)
            {
                throw new ModelFormatException($"{node.Describe()}: Conv with group={group} is not supported (group must be 1).");
            }

            if (Ints(node, "dilations") is { } dilations && dilations.Any(d => d != 1))
            {
                throw new ModelFormatException($"{node.Describe()}: dilations [{string.Join(", ", dilations)}] are not supported (1 only).");
            }

            CheckAutoPad(node);
            var kernelShape = w.Dims.Select(d => (int)d).ToArray();
            if (Ints(node, "kernel_shape") is { } declared && !declared.SequenceEqual([kernelShape[2], kernelShape[3]]))
            {
                throw new ModelFormatException($"{node.Describe()}: kernel_shape [{string.Join(", ", declared)}] differs from the weights' [{kernelShape[2]}, {kernelShape[3]}].");
            }

            double[]? bias = null;
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                bias = [.. Weight(node, 2, 1).Values];
            }

            Add(node, new LayerDocument
            {
                Type = LayerTypes.Conv2d,
                KernelShape = kernelShape,
                Kernel = w.Values,
                Bias = bias,
                Stride = Pair(node, "strides", 1),
                Padding = Padding(node),
            });
        }

        private void AveragePool(OnnxNode node)
        {
            CheckAutoPad(node);
            if (Int(node, "ceil_mode", 0) != 0 || (Ints(node, "pads") is { } pads && pads.Any(p => p != 0)))
            {
                throw new ModelFormatException($"{node.Describe()}: AveragePool with padding or ceil_mode is not supported.");
            }

            var kernel = Ints(node, "kernel_shape");
            if (kernel is not { Count: 2 })
            {
                throw new ModelFormatException($"{node.Describe()}: kernel_shape must list two values.");
            }

            Add(node, new LayerDocument { Type = LayerTypes.AvgPool, Kernel = [.. kernel.Select(k => (double)k)], Stride = Pair(node, "strides", 1) });
        }

        private void Reshape(OnnxNode node)
        {
            var target = Weight(node, 1, 1).Values;
            var size = _shape.Aggregate(1, (p, n) => p * n);
            if (target.Count != 2 || target[0] is not (1 or -1 or 0) || (target[1] != -1 && target[1] != size))
            {
                throw new ModelFormatException($"{node.Describe()}: Reshape is supported only as a flatten to [batch, {size}]; the target is [{string.Join(", ", target)}].");
            }

            Add(node, new LayerDocument { Type = LayerTypes.Flatten });
        }

        private void BatchNormalization(OnnxNode node)
        {
            var last = _layers.Count > 0 ? _layers[^1] : null;
            if (last?.Type is not (LayerTypes.Dense or LayerTypes.Conv2d))
            {
                throw new ModelFormatException($"{node.Describe()}: BatchNormalization is folded into the Conv, Gemm or MatMul right before it; here none precedes it.");
            }

            var outputs = last.Type == LayerTypes.Dense ? last.Weights!.Count : last.KernelShape![0];
            var (scale, shift, mean, variance) = (Weight(node, 1, 1), Weight(node, 2, 1), Weight(node, 3, 1), Weight(node, 4, 1));
            if (new[] { scale, shift, mean, variance }.Any(t => t.Values.Count != outputs))
            {
                throw new ModelFormatException($"{node.Describe()}: the parameters need {outputs} values (one per channel or output).");
            }

            var epsilon = Float(node, "epsilon", 1e-5);
            var factor = Enumerable.Range(0, outputs).Select(o => scale.Values[o] / Math.Sqrt(variance.Values[o] + epsilon)).ToArray();
            if (factor.Any(f => !double.IsFinite(f)))
            {
                throw new ModelFormatException($"{node.Describe()}: a variance + epsilon is not positive.");
            }

            // BN(y) = (y − mean)·γ/√(var + ε) + β with y = W·x + b: scale row (or output channel) o of W by f_o, b_o ↦ (b_o − mean_o)·f_o + β_o.
            var bias = Enumerable.Range(0, outputs).Select(o => (((last.Bias?[o] ?? 0) - mean.Values[o]) * factor[o]) + shift.Values[o]).ToArray();
            LayerDocument folded;
            if (last.Type == LayerTypes.Dense)
            {
                folded = last with { Weights = [.. last.Weights!.Select((row, o) => (IReadOnlyList<double>)[.. row.Select(v => v * factor[o])])], Bias = bias };
            }
            else
            {
                var perChannel = last.Kernel!.Count / outputs;
                folded = last with { Kernel = [.. last.Kernel.Select((v, i) => v * factor[i / perChannel])], Bias = bias };
            }

            Data(node, 5);
            Replace(folded);
        }

        private static void CheckAutoPad(OnnxNode node)
        {
            if (node.Attributes.TryGetValue("auto_pad", out var a) && a.String is not (null or "NOTSET" or "VALID"))
            {
                throw new ModelFormatException($"{node.Describe()}: auto_pad {a.String} is not supported (give explicit pads).");
            }
        }

        private static int[] Pair(OnnxNode node, string name, int fallback)
        {
            var values = Ints(node, name);
            if (values is null)
            {
                return [fallback, fallback];
            }

            return values.Count == 2 && values.All(v => v is >= 0 and <= LayerDocument.MaxTensorElements)
                ? [(int)values[0], (int)values[1]]
                : throw new ModelFormatException($"{node.Describe()}: {name} must list two values.");
        }

        private static int[] Padding(OnnxNode node)
        {
            var pads = Ints(node, "pads");
            if (pads is null)
            {
                return [0, 0];
            }

            if (pads.Count != 4 || pads[0] != pads[2] || pads[1] != pads[3] || pads.Any(p => p is < 0 or > LayerDocument.MaxTensorElements))
            {
                throw new ModelFormatException($"{node.Describe()}: pads [{string.Join(", ", pads)}] must be symmetric [top, left, bottom = top, right = left].");
            }

            return [(int)pads[0], (int)pads[1]];
        }
    }
}
