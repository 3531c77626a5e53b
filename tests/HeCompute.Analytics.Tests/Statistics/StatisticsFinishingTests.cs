using HeCompute.Analytics.Planning;
using HeCompute.Analytics.Statistics;
using HeCompute.Analytics.Tests.Planning;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Lattice;
using HeCompute.Protocol.Packing;
using HeCompute.Protocol.Statistics;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Statistics;

/// <summary>
/// Group variances, histograms and encrypted finishing on the breast-cancer cohort, with parameters and keys from the
/// statistics planner, compared with double precision; every unused slot of every result is checked to be ≈ 0.
/// </summary>
public sealed class StatisticsFinishingTests(ITestOutputHelper output)
{
    private static readonly double[][] Rows = BreastCancerCohort.Shared.WithCategories;

    private static StatisticsPlanRequest Request(bool encryptedFinish, int precisionBits = 20) =>
        new(BreastCancerCohort.Features, BreastCancerCohort.Lower, BreastCancerCohort.Upper, BreastCancerCohort.Categories, encryptedFinish, 1000, precisionBits);

    [Fact]
    public void GroupVariancesAndHistogramsWithOnlyThePlannedKeys()
    {
        // 10 bits fit N = 8192 (20 would need N = 16384): the group circuit stays a few seconds.
        var plan = StatisticsPlanner.Plan(Request(encryptedFinish: false, precisionBits: 10));
        Assert.Equal(GroupStatistics.Depth, plan.Document.Precision.Depth);
        var keys = plan.Document.Keys;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        var context = client.Evaluation.WithKeys(client.Evaluation.Keys);
        var used = new SortedSet<int>();
        context.RotationObserver = step => used.Add(step);
        var layout = plan.Layout;
        var features = plan.FeatureCount;
        var indicators = plan.IndicatorColumns;

        var packer = new PlanPacker(plan.Document);
        EncryptedAggregate? total = null;
        GroupAggregate? groups = null;
        foreach (var chunk in Rows.Chunk(layout.RecordsPerCiphertext))
        {
            var records = client.Encrypt(packer.Pack(chunk));
            var batch = CohortStatistics.Accumulate(context, layout, records);
            var batchGroups = GroupStatistics.Accumulate(context, records, batch, features, indicators);
            total = total is null ? batch : total.Add(context, batch);
            groups = groups is null ? batchGroups : groups.Add(context, batchGroups);
        }

        Assert.Equal(plan.Document.Sizes.InputCiphertextBytes, client.Encrypt(new double[layout.Width]).SaveSize(CompressionMode.None));
        var finished = CohortStatistics.Finish(context, total!).Select(ct => plan.ToOutputLevel(context, ct)).ToArray();
        var groupFinished = GroupStatistics.Finish(context, groups!).Select(ct => plan.ToOutputLevel(context, ct)).ToArray();
        Assert.Equal(keys.GaloisSteps, used);
        Assert.All(finished.Concat(groupFinished), ct => Assert.Equal(plan.Document.Output.Level, context.LevelOf(ct)));
        Assert.Equal(plan.Document.Sizes.OutputCiphertextBytes, finished[0].SaveSize(CompressionMode.None));

        var decrypted = finished.Select(ct => (IReadOnlyList<double>)client.Decrypt(ct)).ToArray();
        var decryptedGroups = groupFinished.Select(ct => (IReadOnlyList<double>)client.Decrypt(ct)).ToArray();
        var n = Rows.Length;
        var sumBound = Math.Sqrt(n) * plan.Document.Precision.ExpectedMaxAbsError;
        var m = layout.Columns;
        var unused = decrypted.Select((d, i) => d.Skip(i == 0 ? m : m - (i - 1)).Max(Math.Abs)).Concat(decryptedGroups.Select(d => d.Skip(features).Max(Math.Abs))).Max();

        var moments = CohortMoments.FromDecrypted(plan.Scales, decrypted, plan.CountColumn).WithGroupSquares(plan.Scales, indicators, features, decryptedGroups);
        double worstSquares = 0, worstVariance = 0, worstCount = 0;
        foreach (var g in indicators)
        {
            var members = BreastCancerCohort.Group(Rows, g);
            worstCount = Math.Max(worstCount, Math.Abs(moments.IndicatorCount(g) - members.Length));
            Assert.Equal(members.Length, (int)Math.Round(moments.IndicatorCount(g)));
            for (var c = 0; c < features; c++)
            {
                var squares = members.Sum(r => r[c] * r[c]);
                var scaled = plan.Scales[c] * plan.Scales[c];
                worstSquares = Math.Max(worstSquares, Math.Abs(moments.GroupSquareSum(c, g) - squares) / scaled);
                if (members.Length > 1)
                {
                    var mean = members.Average(r => r[c]);
                    var variance = members.Sum(r => (r[c] - mean) * (r[c] - mean)) / (members.Length - 1);
                    // Propagated from the moments' bound: (e_Q + 2|mean|·e_S + mean²·e_n)/(n_g − 1) in raw units.
                    var allowed = sumBound * ((scaled + (2 * Math.Abs(mean) * plan.Scales[c]) + (mean * mean)) / (members.Length - 1));
                    worstVariance = Math.Max(worstVariance, Math.Abs(moments.GroupVariance(c, g) - variance) / allowed);
                }
            }
        }

        output.WriteLine($"N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}], {keys.GaloisSteps.Count} Galois keys; histogram [{string.Join(", ", indicators.Skip(2).Select(g => moments.IndicatorCount(g).ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]; max |Σ I·x² − exact| (scaled) {worstSquares:E2}, count error {worstCount:E2}, bound √n·B = {sumBound:E2}; group variance error / propagated bound {worstVariance:F3}; unused slots ≤ {unused:E2}");
        Assert.True(worstSquares <= sumBound, $"group squares {worstSquares}");
        Assert.True(worstCount <= sumBound, $"counts {worstCount}");
        Assert.True(unused <= sumBound, $"unused {unused}");
        Assert.True(worstVariance <= 1, $"group variance {worstVariance}");
    }

    [Fact]
    public void EncryptedMeanVarianceAndDeviationMatchDoublePrecision()
    {
        // 8 bits fit N = 16384 (20 would need N = 32768); the measured errors are far below either bound.
        var plan = StatisticsPlanner.Plan(Request(encryptedFinish: true, precisionBits: 8));
        var finishing = plan.Finishing!;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, relinearization: true, []);
        var context = client.Evaluation;
        Assert.Equal(finishing.Depth(context), plan.Document.Precision.Depth);
        var features = plan.FeatureCount;
        var n = Rows.Length;

        // The sums and squares enter as CohortStatistics.Finish leaves them: sums at ℓ − 1 and Δ, squares at ℓ − 2 and Δ²/q_ℓ.
        var sums = new double[features];
        var squares = new double[features];
        for (var c = 0; c < features; c++)
        {
            sums[c] = Rows.Sum(r => r[c] / plan.Scales[c]);
            squares[c] = Rows.Sum(r => r[c] * r[c] / (plan.Scales[c] * plan.Scales[c]));
        }

        var top = context.TopLevel;
        var encryptedSums = client.Encrypt(sums, top - 1);
        var encryptedSquares = client.Encrypt(squares, top - 2, plan.Scale * plan.Scale / context.RescalePrime(top));
        var result = finishing.Finish(context, [encryptedSums, encryptedSquares], n);
        Assert.Equal(plan.Document.Output.Level, context.LevelOf(result.StandardDeviation));

        var mean = client.Decrypt(result.Mean);
        var variance = client.Decrypt(result.Variance);
        var deviation = client.Decrypt(result.StandardDeviation);
        var bound = plan.Document.Precision.ExpectedMaxAbsError;
        double worstMean = 0, worstVariance = 0, worstDeviation = 0, worstCircuit = 0;
        for (var c = 0; c < features; c++)
        {
            var scale = plan.Scales[c];
            var exactVariance = BreastCancerCohort.Covariance(Rows, c, c) / (scale * scale);
            worstMean = Math.Max(worstMean, Math.Abs(mean[c] - (BreastCancerCohort.Mean(Rows, c) / scale)));
            worstVariance = Math.Max(worstVariance, Math.Abs(variance[c] - exactVariance));
            worstDeviation = Math.Max(worstDeviation, Math.Abs(deviation[c] - Math.Sqrt(exactVariance)));
            Assert.True(exactVariance >= EncryptedFinishing.RelativeFloor * finishing.VarianceBounds[c], "the cohort's variances lie in the square root's interval");
            worstCircuit = Math.Max(worstCircuit, Math.Abs(deviation[c] - finishing.FinishPlain(c, sums[c], squares[c], n).StandardDeviation));
        }

        var unused = new[] { mean, variance, deviation }.Max(d => d.Skip(features).Max(Math.Abs));
        output.WriteLine($"N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}], depth {plan.Document.Precision.Depth}; errors (scaled units) mean {worstMean:E2}, variance {worstVariance:E2}, std {worstDeviation:E2} (vs the plain circuit {worstCircuit:E2}); plan's bound {bound:E2} (approximation {plan.Document.Precision.ApproximationMaxAbsError:E2}); unused ≤ {unused:E2}; std of mean radius {deviation[0] * plan.Scales[0]:F6} vs {Math.Sqrt(BreastCancerCohort.Covariance(Rows, 0, 0)):F6}");
        Assert.True(worstMean <= bound, $"mean {worstMean}");
        Assert.True(worstVariance <= bound, $"variance {worstVariance}");
        Assert.True(worstDeviation <= bound, $"std {worstDeviation}");
        Assert.True(worstCircuit <= plan.NoiseBound, $"std vs plain circuit {worstCircuit}");
        Assert.True(unused <= bound, $"unused {unused}");
    }

    [Fact]
    public void FinishingRefusesTooFewRecordsAndLevels()
    {
        var plan = StatisticsPlanner.Plan(Request(encryptedFinish: true, precisionBits: 8));
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, relinearization: true, []);
        var sums = client.Encrypt([1.0], client.Evaluation.TopLevel - 1);
        var squares = client.Encrypt([1.0], client.Evaluation.TopLevel - 2, plan.Scale * plan.Scale / client.Evaluation.RescalePrime(client.Evaluation.TopLevel));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Finishing!.Finish(client.Evaluation, [sums, squares], 1));
        var low = new Ciphertext();
        client.Evaluation.Evaluator.ModSwitchToNext(squares, low);
        Assert.Throws<InsufficientLevelsException>(() => plan.Finishing!.Finish(client.Evaluation, [sums, low], 100));
    }
}
