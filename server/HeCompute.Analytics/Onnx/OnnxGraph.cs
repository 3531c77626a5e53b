using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Onnx;

/// <summary>
/// The parts of an ONNX <c>ModelProto</c>'s graph the importer reads: nodes in order, initializers, and the graph's
/// inputs (with their dimensions when declared) and outputs. Only these fixed message types are read, so nesting is
/// bounded by the schema; every count is bounded too.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>Largest ONNX file accepted, in bytes.</summary>
    public const int MaxBytes = 64 << 20;

    /// <summary>Largest number of nodes, initializers, inputs or outputs.</summary>
    public const int MaxEntries = 4096;

    private OnnxGraph(List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers, List<(string, IReadOnlyList<long?>)> inputs, List<string> outputs)
    {
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The nodes, in the file's (topological) order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Initializers (weights) by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Graph inputs with their dimensions (null for a symbolic or missing dimension), initializers included if listed.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<long?> Dims)> Inputs { get; }

    /// <summary>Graph output names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Reads a serialized ModelProto.</summary>
    /// <exception cref="ModelFormatException">The bytes are not a well-formed ONNX model within the limits.</exception>
    public static OnnxGraph Parse(ReadOnlySpan<byte> onnx)
    {
        if (onnx.Length > MaxBytes)
        {
            throw new ModelFormatException($"The ONNX file has {onnx.Length} bytes; the limit is {MaxBytes}.");
        }

        var reader = new ProtobufReader(onnx, "ModelProto");
        OnnxGraph? graph = null;
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            if (field == 7)
            {
                reader.Expect(type, WireType.LengthDelimited, "graph");
                graph = ParseGraph(reader.ReadBytes());
            }
            else
            {
                reader.Skip(type);
            }
        }

        return graph ?? throw new ModelFormatException("The ONNX model has no graph.");
    }

    private static OnnxGraph ParseGraph(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes, "GraphProto");
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>();
        var inputs = new List<(string, IReadOnlyList<long?>)>();
        var outputs = new List<string>();
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(type, WireType.LengthDelimited, "node");
                    nodes.Add(OnnxNode.Parse(reader.ReadBytes()));
                    break;
                case 5:
                    reader.Expect(type, WireType.LengthDelimited, "initializer");
                    var tensor = OnnxTensor.Parse(reader.ReadBytes());
                    initializers[tensor.Name] = tensor;
                    break;
                case 11:
                    reader.Expect(type, WireType.LengthDelimited, "input");
                    inputs.Add(ParseValueInfo(reader.ReadBytes()));
                    break;
                case 12:
                    reader.Expect(type, WireType.LengthDelimited, "output");
                    outputs.Add(ParseValueInfo(reader.ReadBytes()).Name);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }

            if (nodes.Count > MaxEntries || initializers.Count > MaxEntries || inputs.Count > MaxEntries || outputs.Count > MaxEntries)
            {
                throw reader.Error($"more than {MaxEntries} nodes, initializers, inputs or outputs");
            }
        }

        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    // ValueInfoProto { name = 1; type = 2 } → TypeProto { tensor_type = 1 } → Tensor { shape = 2 } → TensorShapeProto { dim = 1 } → Dimension { dim_value = 1 }.
    private static (string Name, IReadOnlyList<long?> Dims) ParseValueInfo(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes, "ValueInfoProto");
        var name = "";
        var dims = new List<long?>();
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited)
            {
                name = reader.ReadString();
            }
            else if (field == 2 && type == WireType.LengthDelimited)
            {
                var shape = Find(Find(reader.ReadBytes(), 1, "TypeProto"), 2, "TypeProto.Tensor");
                var dimensions = new ProtobufReader(shape, "TensorShapeProto");
                while (dimensions.HasMore)
                {
                    var (dimField, dimType) = dimensions.ReadTag();
                    if (dimField == 1 && dimType == WireType.LengthDelimited)
                    {
                        var value = Find(dimensions.ReadBytes(), 1, "Dimension", WireType.Varint);
                        dims.Add(value.IsEmpty ? null : new ProtobufReader(value, "Dimension").ReadInt64());
                        if (dims.Count > 8)
                        {
                            throw dimensions.Error("a value with more than 8 dimensions");
                        }
                    }
                    else
                    {
                        dimensions.Skip(dimType);
                    }
                }
            }
            else
            {
                reader.Skip(type);
            }
        }

        return (name, dims);
    }

    // The bytes of the last occurrence of a field (for a varint field: its encoding, readable again), empty if absent.
    private static ReadOnlySpan<byte> Find(ReadOnlySpan<byte> bytes, int wanted, string message, WireType wantedType = WireType.LengthDelimited)
    {
        var reader = new ProtobufReader(bytes, message);
        ReadOnlySpan<byte> found = default;
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            if (field == wanted && type == wantedType && type == WireType.LengthDelimited)
            {
                found = reader.ReadBytes();
            }
            else if (field == wanted && type == wantedType)
            {
                var start = reader.Position;
                reader.ReadVarint();
                found = bytes[start..reader.Position];
            }
            else
            {
                reader.Skip(type);
            }
        }

        return found;
    }
}
