namespace HeCompute.Analytics.Onnx;

/// <summary>An ONNX <c>NodeProto</c>: one operator application.</summary>
/// <param name="Name">Node name (may be empty).</param>
/// <param name="OpType">Operator, e.g. Conv or Gemm.</param>
/// <param name="Domain">Operator set domain ("" or "ai.onnx" for the standard operators).</param>
/// <param name="Inputs">Input tensor names.</param>
/// <param name="Outputs">Output tensor names.</param>
/// <param name="Attributes">Attributes by name.</param>
public sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>How the node is named in errors: its op_type and name.</summary>
    public string Describe() => Name.Length == 0 ? $"'{OpType}' (unnamed node)" : $"'{OpType}' (node '{Name}')";

    /// <summary>Reads a serialized NodeProto.</summary>
    internal static OnnxNode Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes, "NodeProto");
        var name = "";
        var opType = "";
        var domain = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>();
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(type, WireType.LengthDelimited, "input");
                    inputs.Add(reader.ReadString());
                    break;
                case 2:
                    reader.Expect(type, WireType.LengthDelimited, "output");
                    outputs.Add(reader.ReadString());
                    break;
                case 3:
                    reader.Expect(type, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 4:
                    reader.Expect(type, WireType.LengthDelimited, "op_type");
                    opType = reader.ReadString();
                    break;
                case 5:
                    reader.Expect(type, WireType.LengthDelimited, "attribute");
                    var attribute = OnnxAttribute.Parse(reader.ReadBytes());
                    attributes[attribute.Name] = attribute;
                    break;
                case 7:
                    reader.Expect(type, WireType.LengthDelimited, "domain");
                    domain = reader.ReadString();
                    break;
                default:
                    reader.Skip(type);
                    break;
            }

            if (inputs.Count + outputs.Count + attributes.Count > 256)
            {
                throw reader.Error("a node with more than 256 inputs, outputs and attributes");
            }
        }

        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }
}
