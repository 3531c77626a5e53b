namespace HeCompute.Analytics.Models;

/// <summary>
/// Client-side packing of records for the models (<see cref="LinearModel"/>, <see cref="MlpModel"/>, <see cref="CnnModel"/>): standardisation with the model's declared mean and
/// scale, one record per block of w slots; and reading the outputs back from the decrypted slots.
/// </summary>
public static class ModelPacking
{
    /// <summary>(x − mean) / scale for one record with the schema's standardisation (raw if none is declared).</summary>
    public static double[] Standardize(InputSchema schema, IReadOnlyList<double> record)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(record);
        if (record.Count != schema.Features.Count)
        {
            throw new ArgumentException($"The record has {record.Count} values; the schema lists {schema.Features.Count} features.", nameof(record));
        }

        var result = new double[record.Count];
        for (var t = 0; t < result.Length; t++)
        {
            var mean = schema.Mean?[t] ?? 0;
            var scale = schema.Scale?[t] ?? 1;
            result[t] = (record[t] - mean) / scale;
        }

        return result;
    }

    /// <summary>The slot values to encode: record r's standardised features at slots r·w … r·w + features − 1.</summary>
    public static double[] Pack(InputSchema schema, int blockWidth, int slotCount, IReadOnlyList<IReadOnlyList<double>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count * blockWidth > slotCount)
        {
            throw new ArgumentException($"{records.Count} records of {blockWidth} slots do not fit in {slotCount} slots.", nameof(records));
        }

        var slots = new double[records.Count * blockWidth];
        for (var r = 0; r < records.Count; r++)
        {
            Standardize(schema, records[r]).CopyTo(slots, r * blockWidth);
        }

        return slots;
    }

    /// <summary>Output c of record r from the decrypted slots: slot r·w + c.</summary>
    public static double[][] Unpack(IReadOnlyList<double> slots, int blockWidth, int outputs, int recordCount)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var result = new double[recordCount][];
        for (var r = 0; r < recordCount; r++)
        {
            result[r] = new double[outputs];
            for (var c = 0; c < outputs; c++)
            {
                result[r][c] = slots[(r * blockWidth) + c];
            }
        }

        return result;
    }

    /// <summary>
    /// Records for <see cref="CnnModel"/>: record r's standardised features at slots r·stride + t and again at
    /// r·stride + copyOffset + t (the wrap-around copy the first diagonal product reads), zeros elsewhere.
    /// </summary>
    public static double[] PackWithCopy(InputSchema schema, int recordStride, int copyOffset, int slotCount, IReadOnlyList<IReadOnlyList<double>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count * recordStride > slotCount)
        {
            throw new ArgumentException($"{records.Count} records of {recordStride} slots do not fit in {slotCount} slots.", nameof(records));
        }

        var slots = new double[records.Count * recordStride];
        for (var r = 0; r < records.Count; r++)
        {
            var features = Standardize(schema, records[r]);
            features.CopyTo(slots, r * recordStride);
            features.CopyTo(slots, (r * recordStride) + copyOffset);
        }

        return slots;
    }

    /// <summary>One record for <see cref="MlpModel"/>: slot s holds standardised feature s mod d (zero past the features).</summary>
    public static double[] PackReplicated(InputSchema schema, int dimension, int slotCount, IReadOnlyList<double> record)
    {
        var features = Standardize(schema, record);
        var slots = new double[slotCount];
        for (var s = 0; s < slotCount; s++)
        {
            var t = s % dimension;
            slots[s] = t < features.Length ? features[t] : 0;
        }

        return slots;
    }
}
