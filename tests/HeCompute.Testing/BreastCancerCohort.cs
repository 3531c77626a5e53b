using System.Globalization;

namespace HeCompute.Testing;

/// <summary>
/// The 569 records of the breast-cancer data (Debian's python3-sklearn CSV) as a cohort: three features with declared
/// bounds, the diagnosis, the cohort as a dataset of diagnosis or category indicators packs it, and the
/// double-precision moments the encrypted statistics are compared with.
/// </summary>
public sealed class BreastCancerCohort
{
    public const string DataFile = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";

    public static readonly string[] Features = ["mean radius", "mean texture", "mean smoothness"];

    public static readonly double[] Lower = [5, 9, 0.05];

    public static readonly double[] Upper = [30, 40, 0.17];

    /// <summary>The categories of <see cref="WithDiagnosis"/>'s indicator columns.</summary>
    public static readonly string[] Diagnoses = ["malignant", "benign"];

    /// <summary>The categories of <see cref="WithCategories"/>: the diagnoses, then four one-hot bins of mean radius (a histogram).</summary>
    public static readonly string[] Categories = [.. Diagnoses, "radius<12", "radius<15", "radius<20", "radius>=20"];

    private static readonly int[] Sources = [0, 1, 4];

    private static readonly double[] BinEdges = [0, 12, 15, 20, double.PositiveInfinity];

    private static readonly Lazy<BreastCancerCohort> SharedInstance = new(() => new BreastCancerCohort());

    private BreastCancerCohort()
    {
        Assert.True(File.Exists(DataFile), $"{DataFile} is missing: install Debian's python3-sklearn.");
        var cells = File.ReadLines(DataFile).Skip(1).Select(line => line.Split(',')).ToArray();
        Rows = [.. cells.Select(row => Sources.Select(s => double.Parse(row[s], CultureInfo.InvariantCulture)).ToArray())];
        // The last column is the target: 0 = malignant, 1 = benign (the header's class names, in that order).
        Malignant = [.. cells.Select(row => row[^1] == "0")];
        Assert.Equal(569, Rows.Length);
        Assert.Equal(212, Malignant.Count(m => m));
        Assert.All(Rows, row => Assert.All(Enumerable.Range(0, Features.Length), c => Assert.InRange(row[c], Lower[c], Upper[c])));
        WithCategories = [.. Rows.Select((row, i) =>
        {
            var record = new double[Features.Length + 1 + Categories.Length];
            row.CopyTo(record, 0);
            record[CountColumn] = 1;
            record[CountColumn + (Malignant[i] ? 1 : 2)] = 1;
            var bin = Enumerable.Range(0, BinEdges.Length - 1).First(b => row[0] >= BinEdges[b] && row[0] < BinEdges[b + 1]);
            record[CountColumn + 1 + Diagnoses.Length + bin] = 1;
            return record;
        })];
    }

    public static BreastCancerCohort Shared => SharedInstance.Value;

    /// <summary>The column of a dataset's constant 1, after the features.</summary>
    public static int CountColumn => Features.Length;

    /// <summary>Feature values, one row per record.</summary>
    public double[][] Rows { get; }

    /// <summary>Per record, whether the tumour is malignant (the data's target).</summary>
    public bool[] Malignant { get; }

    /// <summary>Every record as a dataset with <see cref="Categories"/> packs it: the features, the count column's 1, then the indicators.</summary>
    public double[][] WithCategories { get; }

    /// <summary>
    /// The first <paramref name="count"/> records as a dataset with <see cref="Diagnoses"/> packs them: the features,
    /// the count column's 1, then the malignant and benign indicators.
    /// </summary>
    public double[][] WithDiagnosis(int count) => [.. WithCategories[..count].Select(r => r[..(CountColumn + 1 + Diagnoses.Length)])];

    /// <summary>The rows whose indicator column <paramref name="indicator"/> is 1.</summary>
    public static double[][] Group(IReadOnlyList<double[]> rows, int indicator) => [.. rows.Where(r => r[indicator] == 1)];

    /// <summary>Mean of column c over <paramref name="rows"/> (double precision).</summary>
    public static double Mean(IReadOnlyList<double[]> rows, int c) => rows.Average(r => r[c]);

    /// <summary>Sample covariance of columns a and b (two-pass, double precision).</summary>
    public static double Covariance(IReadOnlyList<double[]> rows, int a, int b)
    {
        var (ma, mb) = (Mean(rows, a), Mean(rows, b));
        return rows.Sum(r => (r[a] - ma) * (r[b] - mb)) / (rows.Count - 1);
    }
}
