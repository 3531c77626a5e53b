using System.Buffers.Binary;

namespace HeCompute.Analytics.Onnx;

/// <summary>An ONNX <c>TensorProto</c> (an initializer or an attribute value) with its values as doubles.</summary>
/// <param name="Name">The tensor's name (initializers are referenced by it).</param>
/// <param name="Dims">The dimensions.</param>
/// <param name="Values">The values, row-major.</param>
public sealed record OnnxTensor(string Name, IReadOnlyList<long> Dims, IReadOnlyList<double> Values)
{
    /// <summary>Largest number of values a tensor may hold.</summary>
    public const int MaxElements = 1 << 22;

    private const int Float = 1;
    private const int Int32 = 6;
    private const int Int64 = 7;
    private const int Double = 11;

    /// <summary>Reads a serialized TensorProto (FLOAT, DOUBLE, INT32 or INT64; inline data only).</summary>
    internal static OnnxTensor Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes, "TensorProto");
        var dims = new List<long>();
        var values = new List<double>();
        var dataType = 0;
        var name = "";
        ReadOnlySpan<byte> raw = default;
        var hasRaw = false;
        while (reader.HasMore)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ReadInt64s(ref reader, type, dims);
                    break;
                case 2:
                    reader.Expect(type, WireType.Varint, "data_type");
                    dataType = reader.ReadInt32();
                    break;
                case 4:
                    ReadFloats(ref reader, type, values);
                    break;
                case 5:
                case 7:
                    var integers = new List<long>();
                    ReadInt64s(ref reader, type, integers);
                    values.AddRange(integers.Select(v => (double)(field == 5 ? (int)v : v)));
                    break;
                case 8:
                    reader.Expect(type, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 9:
                    reader.Expect(type, WireType.LengthDelimited, "raw_data");
                    raw = reader.ReadBytes();
                    hasRaw = true;
                    break;
                case 10:
                    ReadDoubles(ref reader, type, values);
                    break;
                case 14:
                    reader.Expect(type, WireType.Varint, "data_location");
                    if (reader.ReadInt32() != 0)
                    {
                        throw reader.Error($"tensor '{name}' keeps its data in an external file; embed it");
                    }

                    break;
                default:
                    reader.Skip(type);
                    break;
            }

            if (values.Count > MaxElements || dims.Count > 8)
            {
                throw reader.Error($"tensor '{name}' exceeds the limits ({MaxElements} values, 8 dimensions)");
            }
        }

        var count = 1L;
        foreach (var dim in dims)
        {
            if (dim < 0 || (count *= dim) > MaxElements)
            {
                throw reader.Error($"tensor '{name}' has dimensions [{string.Join(", ", dims)}] (negative, or more than {MaxElements} values)");
            }
        }

        var size = dataType switch
        {
            Float or Int32 => 4,
            Int64 or Double => 8,
            _ => throw reader.Error($"tensor '{name}' has data type {dataType}; FLOAT, DOUBLE, INT32 and INT64 are supported"),
        };
        if (hasRaw)
        {
            if (values.Count != 0 || raw.Length != count * size)
            {
                throw reader.Error($"tensor '{name}' has {raw.Length} raw bytes for {count} values of {size} bytes");
            }

            for (var i = 0; i < count; i++)
            {
                var value = raw.Slice(i * size, size);
                values.Add(dataType switch
                {
                    Float => BinaryPrimitives.ReadSingleLittleEndian(value),
                    Int32 => BinaryPrimitives.ReadInt32LittleEndian(value),
                    Int64 => BinaryPrimitives.ReadInt64LittleEndian(value),
                    _ => BinaryPrimitives.ReadDoubleLittleEndian(value),
                });
            }
        }
        else if (values.Count != count)
        {
            throw reader.Error($"tensor '{name}' has {values.Count} values for dimensions [{string.Join(", ", dims)}]");
        }

        return new OnnxTensor(name, dims, values);
    }

    /// <summary>Repeated int64 (packed or not).</summary>
    internal static void ReadInt64s(ref ProtobufReader reader, WireType type, List<long> into)
    {
        if (type == WireType.Varint)
        {
            into.Add(reader.ReadInt64());
            return;
        }

        reader.Expect(type, WireType.LengthDelimited, "repeated int64");
        var packed = new ProtobufReader(reader.ReadBytes(), "packed int64 list");
        while (packed.HasMore)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>Repeated float (packed or not).</summary>
    internal static void ReadFloats(ref ProtobufReader reader, WireType type, List<double> into)
    {
        if (type == WireType.Fixed32)
        {
            into.Add(BitConverter.Int32BitsToSingle((int)reader.ReadFixed32()));
            return;
        }

        reader.Expect(type, WireType.LengthDelimited, "repeated float");
        var bytes = reader.ReadBytes();
        if (bytes.Length % 4 != 0)
        {
            throw reader.Error($"a packed float list of {bytes.Length} bytes");
        }

        for (var i = 0; i < bytes.Length; i += 4)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
        }
    }

    private static void ReadDoubles(ref ProtobufReader reader, WireType type, List<double> into)
    {
        if (type == WireType.Fixed64)
        {
            into.Add(BitConverter.Int64BitsToDouble((long)reader.ReadFixed64()));
            return;
        }

        reader.Expect(type, WireType.LengthDelimited, "repeated double");
        var bytes = reader.ReadBytes();
        if (bytes.Length % 8 != 0)
        {
            throw reader.Error($"a packed double list of {bytes.Length} bytes");
        }

        for (var i = 0; i < bytes.Length; i += 8)
        {
            into.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes[i..]));
        }
    }
}
