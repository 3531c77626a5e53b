using HeCompute.Contracts;

namespace HeCompute.Protocol.Packing;

/// <summary>
/// Records to slot values and result slots to outputs, exactly as a plan's <see cref="PlanInput"/> and
/// <see cref="PlanOutput"/> say (see the remarks of <see cref="PlanDocument"/>): record r starts at slot
/// r·stride; feature t, standardised as (x − mean[t]) / scale[t], sits at offset[t] + k·period for each of the
/// copies k; output c of record r is slot r·stride + output offset[c]. The SDK packs what it encrypts with it, and
/// the server's analytics, its tests and the bench pack a compiled model's layout with it: there is one packing.
/// </summary>
public sealed class PlanPacker
{
    private readonly PlanInput _input;
    private readonly IReadOnlyList<int> _outputOffsets;

    /// <summary>A packer for <paramref name="input"/> and <paramref name="output"/> in ciphertexts of <paramref name="slotCount"/> slots.</summary>
    /// <exception cref="PlanMismatchException">The layout does not fit the slots or overlaps itself, or the output names do not match its offsets.</exception>
    public PlanPacker(PlanInput input, PlanOutput output, int slotCount)
        : this(input, (output ?? throw new ArgumentNullException(nameof(output))).Offsets, slotCount)
    {
        if (output.Names.Count != 0 && output.Names.Count != output.Offsets.Count)
        {
            throw new PlanMismatchException($"The plan names {output.Names.Count} outputs but places {output.Offsets.Count}.");
        }
    }

    /// <summary>A packer for <paramref name="input"/> whose outputs sit at <paramref name="outputOffsets"/> within a record's slots.</summary>
    /// <exception cref="PlanMismatchException">The layout does not fit the slots or overlaps itself.</exception>
    public PlanPacker(PlanInput input, IReadOnlyList<int> outputOffsets, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputOffsets);
        _input = input;
        _outputOffsets = outputOffsets;
        SlotCount = slotCount;
        Validate();
    }

    /// <summary>A packer for a plan (N/2 slots).</summary>
    public PlanPacker(PlanDocument plan)
        : this((plan ?? throw new ArgumentNullException(nameof(plan))).Input, plan.Output, plan.Parameters.PolyModulusDegree / 2)
    {
    }

    /// <summary>Slots per ciphertext.</summary>
    public int SlotCount { get; }

    /// <summary>Records one ciphertext holds.</summary>
    public int RecordsPerCiphertext => _input.RecordsPerCiphertext;

    /// <summary>Features per record.</summary>
    public int FeatureCount => _input.Features.Count;

    /// <summary>Outputs per record.</summary>
    public int OutputCount => _outputOffsets.Count;

    /// <summary>
    /// The slot values of one ciphertext holding <paramref name="records"/> (raw feature values, in the plan's feature
    /// order; at most <see cref="RecordsPerCiphertext"/>). Values must be finite and within the declared bounds.
    /// </summary>
    /// <exception cref="ArgumentException">Too many records, a record of the wrong length, a non-finite or out-of-bounds value.</exception>
    public double[] Pack(IReadOnlyList<IReadOnlyList<double>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count > RecordsPerCiphertext)
        {
            throw new ArgumentException($"{records.Count} records do not fit; one ciphertext holds {RecordsPerCiphertext}.", nameof(records));
        }

        var slots = new double[SlotCount];
        for (var r = 0; r < records.Count; r++)
        {
            var record = records[r];
            if (record.Count != FeatureCount)
            {
                throw new ArgumentException($"Record {r} has {record.Count} values; the plan has {FeatureCount} features ({string.Join(", ", _input.Features)}).", nameof(records));
            }

            for (var t = 0; t < FeatureCount; t++)
            {
                CheckValue(t, record[t], r);
            }

            var values = Standardize(record, _input.Mean, _input.ScaleBy);
            var start = r * _input.RecordStride;
            for (var t = 0; t < FeatureCount; t++)
            {
                var offset = start + _input.FeatureOffsets[t];
                for (var k = 0; k < _input.Copies; k++)
                {
                    slots[offset + (k * _input.ReplicationPeriod)] = values[t];
                }
            }
        }

        return slots;
    }

    /// <summary>The outputs of the first <paramref name="records"/> records in decrypted slots: [record][output].</summary>
    public double[][] Unpack(ReadOnlySpan<double> slots, int records)
    {
        if (slots.Length < SlotCount)
        {
            throw new ArgumentException($"{slots.Length} slots given; a result has {SlotCount}.", nameof(slots));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(records);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(records, RecordsPerCiphertext);
        var result = new double[records][];
        for (var r = 0; r < records; r++)
        {
            var outputs = new double[OutputCount];
            var start = r * _input.RecordStride;
            for (var c = 0; c < outputs.Length; c++)
            {
                outputs[c] = slots[start + _outputOffsets[c]];
            }

            result[r] = outputs;
        }

        return result;
    }

    /// <summary>
    /// (x − mean[t]) / scale[t] for each feature t of <paramref name="record"/> (no mean: 0; no scale: 1): the
    /// standardisation a plan's input and a model document's input schema declare.
    /// </summary>
    public static double[] Standardize(IReadOnlyList<double> record, IReadOnlyList<double>? mean, IReadOnlyList<double>? scale)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = new double[record.Count];
        for (var t = 0; t < result.Length; t++)
        {
            result[t] = (record[t] - (mean?[t] ?? 0.0)) / (scale?[t] ?? 1.0);
        }

        return result;
    }

    private void CheckValue(int feature, double value, int record)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"Record {record}, feature '{_input.Features[feature]}' is {value}; only finite values can be encrypted.");
        }

        if (_input.Lower is { } lower && value < lower[feature])
        {
            throw new ArgumentException($"Record {record}, feature '{_input.Features[feature]}' = {value} is below its declared lower bound {lower[feature]}.");
        }

        if (_input.Upper is { } upper && value > upper[feature])
        {
            throw new ArgumentException($"Record {record}, feature '{_input.Features[feature]}' = {value} is above its declared upper bound {upper[feature]}.");
        }
    }

    private void Validate()
    {
        var features = _input.Features.Count;
        if (features == 0)
        {
            throw new PlanMismatchException("The plan's input has no features.");
        }

        CheckLength(_input.FeatureOffsets.Count, "feature_offsets");
        CheckLength(_input.Mean?.Count, "mean");
        CheckLength(_input.ScaleBy?.Count, "scale_by");
        CheckLength(_input.Lower?.Count, "lower");
        CheckLength(_input.Upper?.Count, "upper");
        if (_input.ScaleBy is { } scales && scales.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new PlanMismatchException("The plan's scale_by values must be finite and positive.");
        }

        if (_input.RecordStride < 1 || _input.RecordsPerCiphertext < 1 || (long)_input.RecordStride * _input.RecordsPerCiphertext > SlotCount)
        {
            throw new PlanMismatchException($"{_input.RecordsPerCiphertext} records of stride {_input.RecordStride} do not fit in {SlotCount} slots.");
        }

        if (_input.Copies < 1 || (_input.Copies > 1 && _input.ReplicationPeriod < 1))
        {
            throw new PlanMismatchException($"The plan asks for {_input.Copies} copies with replication period {_input.ReplicationPeriod}.");
        }

        var used = new bool[_input.RecordStride];
        for (var t = 0; t < features; t++)
        {
            for (var k = 0; k < _input.Copies; k++)
            {
                var slot = _input.FeatureOffsets[t] + ((long)k * _input.ReplicationPeriod);
                if (slot < 0 || slot >= _input.RecordStride)
                {
                    throw new PlanMismatchException($"Copy {k} of feature '{_input.Features[t]}' falls at offset {slot}, outside its record's {_input.RecordStride} slots.");
                }

                if (used[slot])
                {
                    throw new PlanMismatchException($"Copy {k} of feature '{_input.Features[t]}' falls on a slot another feature already uses (offset {slot}).");
                }

                used[slot] = true;
            }
        }

        if (_outputOffsets.Count == 0 || _outputOffsets.Any(o => o < 0 || o >= _input.RecordStride))
        {
            throw new PlanMismatchException($"The plan's output offsets must be within a record's {_input.RecordStride} slots.");
        }

        void CheckLength(int? count, string name)
        {
            if (count is { } c && c != features)
            {
                throw new PlanMismatchException($"The plan's {name} has {c} entries for {features} features.");
            }
        }
    }
}
