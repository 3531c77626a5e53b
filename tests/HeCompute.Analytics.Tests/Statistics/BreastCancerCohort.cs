using System.Globalization;

namespace HeCompute.Analytics.Tests.Statistics;

/// <summary>
/// A cohort from the 569 breast-cancer records (Debian's python3-sklearn data file): three features (mean radius, mean
/// texture, mean smoothness) with declared bounds, the two diagnosis indicators (group-by) and four one-hot bins of
/// mean radius (histogram), as rows of [features, 1, indicators].
/// </summary>
public sealed class BreastCancerCohort
{
    public const string DataFile = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";

    public static readonly string[] Features = ["mean radius", "mean texture", "mean smoothness"];

    public static readonly string[] Categories = ["malignant", "benign", "radius<12", "radius<15", "radius<20", "radius>=20"];

    public static readonly double[] Lower = [5, 9, 0.05];

    public static readonly double[] Upper = [30, 40, 0.17];

    private static readonly int[] Sources = [0, 1, 4];

    private static readonly double[] BinEdges = [0, 12, 15, 20, double.PositiveInfinity];

    public BreastCancerCohort()
    {
        Assert.True(File.Exists(DataFile), $"{DataFile} is missing: install Debian's python3-sklearn.");
        var rows = File.ReadLines(DataFile).Skip(1).Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(569, rows.Length);
        Rows = [.. rows.Select(row =>
        {
            var record = new double[Features.Length + 1 + Categories.Length];
            for (var c = 0; c < Features.Length; c++)
            {
                record[c] = row[Sources[c]];
                Assert.InRange(record[c], Lower[c], Upper[c]);
            }

            record[CountColumn] = 1;
            record[CountColumn + 1 + (int)row[30]] = 1;
            var bin = Enumerable.Range(0, BinEdges.Length - 1).First(b => row[0] >= BinEdges[b] && row[0] < BinEdges[b + 1]);
            record[CountColumn + 3 + bin] = 1;
            return record;
        })];
    }

    public static int CountColumn => Features.Length;

    public double[][] Rows { get; }

    public double Mean(int c) => Rows.Average(r => r[c]);

    public double Variance(int c) => Rows.Sum(r => (r[c] - Mean(c)) * (r[c] - Mean(c))) / (Rows.Length - 1);

    public double[][] Group(int indicator) => [.. Rows.Where(r => r[indicator] == 1)];
}
