using System.Globalization;

namespace HeCompute.Bench.EndToEnd;

/// <summary>
/// The Wisconsin breast-cancer table shipped with Debian's python3-sklearn: 569 records of 30 features and a label
/// (0 malignant, 1 benign). Every fourth record is held out for testing, the rest trains.
/// </summary>
public sealed class BreastCancerData
{
    /// <summary>Where python3-sklearn installs the table.</summary>
    public const string DefaultPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";

    private BreastCancerData(string[] features, double[][] train, int[] trainLabels, double[][] test, int[] testLabels)
    {
        Features = features;
        Train = train;
        TrainLabels = trainLabels;
        Test = test;
        TestLabels = testLabels;
    }

    /// <summary>Feature names (<c>f00</c> … <c>f29</c>; the file has none).</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Training records.</summary>
    public double[][] Train { get; }

    /// <summary>Training labels (1 benign).</summary>
    public int[] TrainLabels { get; }

    /// <summary>Test records.</summary>
    public double[][] Test { get; }

    /// <summary>Test labels.</summary>
    public int[] TestLabels { get; }

    /// <summary>Reads the table; its first line is "records,features,class names…".</summary>
    /// <exception cref="InvalidDataException">The file is not that table.</exception>
    public static BreastCancerData Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        if (header.Length < 2 || !int.TryParse(header[0], CultureInfo.InvariantCulture, out var records) || !int.TryParse(header[1], CultureInfo.InvariantCulture, out var features)
            || lines.Length != records + 1)
        {
            throw new InvalidDataException($"{path} is not the breast-cancer table (header '{lines[0]}', {lines.Length - 1} rows).");
        }

        var train = new List<double[]>();
        var trainLabels = new List<int>();
        var test = new List<double[]>();
        var testLabels = new List<int>();
        for (var r = 0; r < records; r++)
        {
            var cells = lines[r + 1].Split(',');
            if (cells.Length != features + 1)
            {
                throw new InvalidDataException($"{path}, row {r + 1}: {cells.Length} cells, expected {features + 1}.");
            }

            var x = new double[features];
            for (var c = 0; c < features; c++)
            {
                x[c] = double.Parse(cells[c], CultureInfo.InvariantCulture);
            }

            var label = int.Parse(cells[features], CultureInfo.InvariantCulture);
            (r % 4 == 3 ? test : train).Add(x);
            (r % 4 == 3 ? testLabels : trainLabels).Add(label);
        }

        var names = Enumerable.Range(0, features).Select(i => string.Create(CultureInfo.InvariantCulture, $"f{i:D2}")).ToArray();
        return new BreastCancerData(names, [.. train], [.. trainLabels], [.. test], [.. testLabels]);
    }
}
