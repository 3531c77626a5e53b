using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Statistics;

/// <summary>
/// Rows of a dataset (its features, then its category indicators) to the slots of one record ciphertext: the client
/// inserts the constant-1 count column and divides each column by the dataset's scale, laid out as the dataset's
/// statistics plan says.
/// </summary>
public sealed class DatasetRecordPacker
{
    private readonly DatasetResponse _dataset;
    private readonly PlanPacker _packer;

    /// <summary>A packer for <paramref name="dataset"/>.</summary>
    /// <exception cref="PlanMismatchException">The dataset's plan does not match its columns or scales.</exception>
    public DatasetRecordPacker(DatasetResponse dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _dataset = dataset;
        var input = dataset.Plan.Input;
        var columns = dataset.Columns.Count;
        if (input.Features.Count != columns || dataset.Scales.Count != columns)
        {
            throw new PlanMismatchException($"Dataset {dataset.Id} has {columns} columns and {dataset.Scales.Count} scales; its plan packs {input.Features.Count}.");
        }

        if (dataset.CountColumn < 0 || dataset.CountColumn >= columns)
        {
            throw new PlanMismatchException($"Dataset {dataset.Id}'s count column {dataset.CountColumn} is not one of its {columns} columns.");
        }

        if (input.Mean is { } mean && mean.Any(m => m != 0))
        {
            throw new PlanMismatchException($"Dataset {dataset.Id}'s plan centres the columns; statistics need the raw (scaled) values.");
        }

        if (input.ScaleBy is { } planScales && !planScales.SequenceEqual(dataset.Scales))
        {
            throw new PlanMismatchException($"Dataset {dataset.Id}'s plan scales its columns differently from the dataset's scales.");
        }

        // The plan may leave scaling to the dataset's scales; either way the columns are divided exactly once.
        _packer = new PlanPacker(input with { ScaleBy = dataset.Scales }, dataset.Plan.Output, dataset.Plan.Parameters.PolyModulusDegree / 2);
        var inputs = new List<string>(columns - 1);
        for (var c = 0; c < columns; c++)
        {
            if (c != dataset.CountColumn)
            {
                inputs.Add(dataset.Columns[c]);
            }
        }

        InputColumns = inputs;
    }

    /// <summary>The columns a row gives: every column but the count, in dataset order (features, then categories).</summary>
    public IReadOnlyList<string> InputColumns { get; }

    /// <summary>Rows one ciphertext holds.</summary>
    public int RecordsPerCiphertext => _packer.RecordsPerCiphertext;

    /// <summary>The slots of one ciphertext of <paramref name="rows"/> (each with the values of <see cref="InputColumns"/>).</summary>
    /// <exception cref="ArgumentException">Too many rows, a row of the wrong length, a value that is not finite or out of bounds, an indicator that is not 0 or 1.</exception>
    public double[] Pack(IReadOnlyList<IReadOnlyList<double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var full = new IReadOnlyList<double>[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Count != InputColumns.Count)
            {
                throw new ArgumentException($"Row {r} has {row.Count} values; dataset {_dataset.Id} takes {InputColumns.Count} ({string.Join(", ", InputColumns)}).", nameof(rows));
            }

            var values = new double[row.Count + 1];
            for (int c = 0, source = 0; c < values.Length; c++)
            {
                if (c == _dataset.CountColumn)
                {
                    values[c] = 1;
                    continue;
                }

                var value = row[source++];
                if (c > _dataset.CountColumn && value != 0 && value != 1)
                {
                    throw new ArgumentException($"Row {r}, indicator '{_dataset.Columns[c]}' is {value}; indicators are 0 or 1.", nameof(rows));
                }

                values[c] = value;
            }

            full[r] = values;
        }

        return _packer.Pack(full);
    }
}
