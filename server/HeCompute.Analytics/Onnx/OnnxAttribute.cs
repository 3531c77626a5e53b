namespace HeCompute.Analytics.Onnx;

/// <summary>An ONNX <c>AttributeProto</c>: the fields the supported operators use (f, i, s, t, floats, ints).</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Float">f.</param>
/// <param name="Int">i.</param>
/// <param name="String">s (UTF-8).</param>
/// <param name="Tensor">t.</param>
/// <param name="Floats">floats.</param>
/// <param name="Ints">ints.</param>
public sealed record OnnxAttribute(string Name, double? Float, long? Int, string? String, OnnxTensor? Tensor, IReadOnlyList<double> Floats, IReadOnlyList<long> Ints)
{
    /// <summary>Reads a serialized AttributeProto (a subgraph attribute is skipped: no supported operator has one).</summary>
    internal static OnnxAttribute Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes, "AttributeProto");
        var name = "";
        double? f = null;
        long? i = null;
        string? s = null;
        OnnxTensor? t = null;
        var floats = new List<double>();
        var ints = new List<long>();
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(type, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(type, WireType.Fixed32, "f");
                    f = BitConverter.Int32BitsToSingle((int)reader.ReadFixed32());
                    break;
                case 3:
                    reader.Expect(type, WireType.Varint, "i");
                    i = reader.ReadInt64();
                    break;
                case 4:
                    reader.Expect(type, WireType.LengthDelimited, "s");
                    s = reader.ReadString();
                    break;
                case 5:
                    reader.Expect(type, WireType.LengthDelimited, "t");
                    t = OnnxTensor.Parse(reader.ReadBytes());
                    break;
                case 7:
                    OnnxTensor.ReadFloats(ref reader, type, floats);
                    break;
                case 8:
                    OnnxTensor.ReadInt64s(ref reader, type, ints);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return new OnnxAttribute(name, f, i, s, t, floats, ints);
    }
}
