using System.Globalization;

namespace HeCompute.Cli;

/// <summary>A CSV file of numbers with a header row (comma-separated, no quoting: feature tables only).</summary>
internal sealed record CsvTable(IReadOnlyList<string> Header, IReadOnlyList<double[]> Rows)
{
    private const long MaxBytes = 256L << 20;

    public static async Task<CsvTable> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new CliException($"{path} is larger than {MaxBytes >> 20} MiB.");
        }

        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        var content = lines.Where(l => l.Trim().Length > 0).ToList();
        if (content.Count == 0)
        {
            throw new CliException($"{path} is empty; a header row is required.");
        }

        var header = content[0].Split(',').Select(h => h.Trim()).ToArray();
        var rows = new List<double[]>(content.Count - 1);
        for (var i = 1; i < content.Count; i++)
        {
            var cells = content[i].Split(',');
            if (cells.Length != header.Length)
            {
                throw new CliException($"{path}, line {i + 1}: {cells.Length} values for {header.Length} columns.");
            }

            var row = new double[cells.Length];
            for (var c = 0; c < cells.Length; c++)
            {
                if (!double.TryParse(cells[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]))
                {
                    throw new CliException($"{path}, line {i + 1}, column '{header[c]}': '{cells[c].Trim()}' is not a number.");
                }
            }

            rows.Add(row);
        }

        return new CsvTable(header, rows);
    }

    /// <summary>The rows with the named columns, in that order.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Select(IReadOnlyList<string> columns, string path)
    {
        var indexes = new int[columns.Count];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = Array.IndexOf(Header.ToArray(), columns[i]);
            if (indexes[i] < 0)
            {
                throw new CliException($"{path} has no column '{columns[i]}'; it needs: {string.Join(", ", columns)}.");
            }
        }

        return [.. Rows.Select(row => (IReadOnlyList<double>)[.. indexes.Select(i => row[i])])];
    }
}
