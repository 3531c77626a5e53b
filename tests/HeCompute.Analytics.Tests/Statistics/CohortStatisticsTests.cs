using System.Diagnostics;
using System.Globalization;
using HeCompute.Analytics.Statistics;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Packing;
using HeCompute.Protocol.Statistics;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Statistics;

/// <summary>
/// Cohort statistics on the 569 breast-cancer records (Debian's python3-sklearn data file), as 5 encrypted shards of at
/// most 128 records (N = 8192, w = 32): the 10 "mean" features, the constant 1, two diagnosis indicators (group-by) and five
/// one-hot bins of "mean radius" (histogram), 18 columns scaled by their maxima. Shard aggregates are combined in a
/// tree and in a chain; the results are compared with double precision: counts within 10⁻³, means within 10⁻⁶
/// relative, variances and covariances within 10⁻⁵ of √(var_a·var_b), correlations within 10⁻⁵, group means within
/// 10⁻⁶ relative.
/// </summary>
public sealed class CohortStatisticsTests(ShallowCkks f, ITestOutputHelper output) : IClassFixture<ShallowCkks>
{
    private static readonly double[] BinEdges = [0, 10, 13, 16, 20, 100];

    [Fact]
    public void ShardedEncryptedMomentsMatchDoublePrecision()
    {
        Assert.True(File.Exists(BreastCancerCohort.DataFile), $"{BreastCancerCohort.DataFile} is missing: install Debian's python3-sklearn.");
        var rows = File.ReadLines(BreastCancerCohort.DataFile).Skip(1).Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(569, rows.Length);
        const int features = 10;
        const int countColumn = features;
        const int groupColumn = features + 1;
        const int binColumn = features + 3;
        var table = rows.Select(row =>
        {
            var augmented = new double[features + 1 + 2 + (BinEdges.Length - 1)];
            Array.Copy(row, augmented, features);
            augmented[countColumn] = 1;
            augmented[groupColumn + (int)row[30]] = 1;
            var bin = Enumerable.Range(0, BinEdges.Length - 1).First(b => row[0] >= BinEdges[b] && row[0] < BinEdges[b + 1]);
            augmented[binColumn + bin] = 1;
            return augmented;
        }).ToArray();
        var m = table[0].Length;
        var scales = Enumerable.Range(0, m).Select(c => table.Max(r => Math.Abs(r[c]))).ToArray();
        var layout = new CohortLayout(m, f.Slots);
        Assert.Equal(32, layout.Width);
        var packer = new PlanPacker(layout.PlanInput([.. Enumerable.Range(0, m).Select(c => $"column {c}")], scales, null, null), layout.OutputOffsets, f.Slots);
        var context = f.WithSteps(layout.RequiredSteps);
        var used = new SortedSet<int>();
        context.RotationObserver = step => used.Add(step);

        var watch = Stopwatch.StartNew();
        var shards = table.Chunk(layout.RecordsPerCiphertext)
            .Select(chunk => CohortStatistics.Accumulate(context, layout, f.Encrypt(packer.Pack(chunk))))
            .ToArray();
        var accumulate = watch.ElapsedMilliseconds;
        Assert.Equal(5, shards.Length);
        var tree = Tree(context, shards);
        var chain = shards.Reverse().Aggregate((a, b) => a.Add(context, b));
        watch.Restart();
        var finished = CohortStatistics.Finish(context, tree);
        var finish = watch.ElapsedMilliseconds;
        Assert.Equal(layout.RequiredSteps.Order(), used);
        var decrypted = finished.Select(ct => (IReadOnlyList<double>)f.Decrypt(ct)).ToArray();
        var unused = decrypted.Max(d => d.Skip(m).Max(Math.Abs));
        var moments = CohortMoments.FromDecrypted(scales, decrypted, countColumn);
        var chained = CohortMoments.FromDecrypted(scales, CohortStatistics.Finish(context, chain).Select(ct => (IReadOnlyList<double>)f.Decrypt(ct)).ToArray(), countColumn);

        var n = (double)table.Length;
        double Mean(int c) => table.Average(r => r[c]);
        double Cov(int a, int b) => table.Sum(r => (r[a] - Mean(a)) * (r[b] - Mean(b))) / (n - 1);
        Assert.True(Math.Abs(moments.Count - n) < 1e-3, $"count {moments.Count}");
        Assert.True(Math.Abs(chained.Count - n) < 1e-3, $"chained count {chained.Count}");
        double worstMean = 0, worstCov = 0, worstCorr = 0, worstGroup = 0, worstCount = 0, worstChain = 0;
        for (var a = 0; a < features; a++)
        {
            worstMean = Math.Max(worstMean, Math.Abs(moments.Mean(a) - Mean(a)) / Math.Abs(Mean(a)));
            worstChain = Math.Max(worstChain, Math.Abs(chained.Mean(a) - Mean(a)) / Math.Abs(Mean(a)));
            for (var b = a; b < features; b++)
            {
                var expected = Cov(a, b);
                var norm = Math.Sqrt(Cov(a, a) * Cov(b, b));
                worstCov = Math.Max(worstCov, Math.Abs(moments.Covariance(a, b) - expected) / norm);
                worstCorr = Math.Max(worstCorr, Math.Abs(moments.Correlation(a, b) - (expected / norm)));
            }

            for (var g = 0; g < 2; g++)
            {
                var members = table.Where(r => r[groupColumn + g] == 1).ToArray();
                var groupMean = members.Average(r => r[a]);
                worstGroup = Math.Max(worstGroup, Math.Abs(moments.GroupMean(a, groupColumn + g) - groupMean) / Math.Abs(groupMean));
            }
        }

        for (var c = groupColumn; c < m; c++)
        {
            worstCount = Math.Max(worstCount, Math.Abs(moments.IndicatorCount(c) - table.Count(r => r[c] == 1)));
        }

        var histogram = string.Join(", ", Enumerable.Range(0, BinEdges.Length - 1).Select(b => Math.Round(moments.IndicatorCount(binColumn + b))));
        output.WriteLine($"{m} columns, w = {layout.Width}, {shards.Length} shards, {layout.RequiredSteps.Count} rotation keys; accumulate {accumulate} ms, finish {finish} ms; count {moments.Count:F6}; max relative mean error {worstMean:E2} (chain {worstChain:E2}), covariance {worstCov:E2}, correlation {worstCorr:E2}, group mean {worstGroup:E2}, indicator counts {worstCount:E2}, unused slots ≤ {unused:E2}; histogram of mean radius [{histogram}]; std(mean radius) {moments.StandardDeviation(0):F6} vs {Math.Sqrt(Cov(0, 0)):F6}");
        Assert.True(worstMean < 1e-6, $"mean {worstMean}");
        Assert.True(worstChain < 1e-6, $"chain mean {worstChain}");
        Assert.True(worstCov < 1e-5, $"covariance {worstCov}");
        Assert.True(worstCorr < 1e-5, $"correlation {worstCorr}");
        Assert.True(worstGroup < 1e-6, $"group mean {worstGroup}");
        Assert.True(worstCount < 1e-3, $"indicator count {worstCount}");
        Assert.True(unused < 1e-6, $"unused {unused}");
    }

    /// <summary>A balanced tree of additions: halves combined recursively.</summary>
    private static EncryptedAggregate Tree(EvaluationContext context, ReadOnlySpan<EncryptedAggregate> shards) =>
        shards.Length == 1 ? shards[0] : Tree(context, shards[..(shards.Length / 2)]).Add(context, Tree(context, shards[(shards.Length / 2)..]));

    [Fact]
    public void AggregatesOfDifferentLayoutsDoNotAdd()
    {
        var a = CohortStatistics.Accumulate(f.WithSteps(new CohortLayout(3, f.Slots).RequiredSteps.Take(2)), new CohortLayout(3, f.Slots), f.Encrypt([1.0, 2.0, 3.0]));
        var b = CohortStatistics.Accumulate(f.Evaluation, new CohortLayout(1, f.Slots), f.Encrypt([1.0]));
        Assert.Throws<ArgumentException>(() => a.Add(f.Evaluation, b));
    }
}
