using System.Text.Json;
using HeCompute.Analytics.Planning;
using HeCompute.Analytics.Privacy;
using HeCompute.Analytics.Statistics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Planning;

/// <summary>
/// Statistics plans: the depth of each circuit (moments 2, group squares 4, encrypted finishing 9), the cohort layout
/// as the input packing, the layout's rotation steps as the only keys, scales from the declared bounds, parameters the
/// engine accepts at 128 bits, the JSON contract, and clear refusals.
/// </summary>
public sealed class StatisticsPlannerTests(ITestOutputHelper output)
{
    private static readonly string[] Features = ["age", "weight", "dose"];
    private static readonly double[] Lower = [18, 40, -5];
    private static readonly double[] Upper = [90, 150, 20];

    [Theory]
    [InlineData(false, false, 2)]
    [InlineData(true, false, 4)]
    [InlineData(false, true, 9)]
    [InlineData(true, true, 9)]
    public void DepthLayoutKeysAndScalesFollowTheCircuit(bool categories, bool encryptedFinish, int depth)
    {
        var plan = StatisticsPlanner.Plan(new(Features, Lower, Upper, categories ? ["female", "male"] : [], encryptedFinish, 5000));
        var document = plan.Document;
        output.WriteLine($"categories {categories}, finish {encryptedFinish}: N = {document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", document.Parameters.CoeffModulusBits)}], bound {document.Precision.ExpectedMaxAbsError:E2}");
        Assert.Equal("statistics", document.Subject);
        Assert.Equal(depth, document.Precision.Depth);
        // Sums of up to 5000 records at a 49-bit scale need a 63-bit output modulus: two primes, one level left.
        Assert.Equal(depth + 2 + document.Precision.LevelsLeft, document.Parameters.CoeffModulus.Count);
        Assert.Equal(document.Precision.LevelsLeft, document.Output.Level);
        Assert.Equal(ParameterError.Success, Parameters.Validate(plan.Parameters.Literal, out _));
        Assert.True(document.Parameters.CoeffModulusBits.Sum() <= CoeffModulus.MaxBitCount(document.Parameters.PolyModulusDegree));

        string[] columns = categories ? [.. Features, "count", "female", "male"] : [.. Features, "count"];
        Assert.Equal(columns, plan.Columns);
        Assert.Equal(3, plan.CountColumn);
        Assert.Equal([90, 150, 20, .. Enumerable.Repeat(1.0, columns.Length - 3)], plan.Scales);
        Assert.Equal(columns, document.Input.Features);
        Assert.Equal(plan.Scales, document.Input.ScaleBy);
        Assert.Equal(plan.Layout.Width, document.Input.RecordStride);
        Assert.Equal(plan.Layout.RecordsPerCiphertext, document.Input.RecordsPerCiphertext);
        Assert.Equal(document.Parameters.PolyModulusDegree / 2, plan.Layout.SlotCount);
        Assert.Equal(plan.Layout.RequiredSteps, document.Keys.GaloisSteps);
        Assert.True(document.Keys.RelinearizationKeys);
        Assert.Equal(encryptedFinish, plan.Finishing is not null);
        Assert.True(plan.NoiseBound <= Math.Pow(2, -20));
        if (encryptedFinish)
        {
            // Popoviciu: ((U − L)/(2·scale))².
            Assert.Equal(Math.Pow((150 - 40) / 300.0, 2), plan.Finishing!.VarianceBounds[1], 12);
            Assert.Equal(plan.Finishing.ApproximationError, document.Precision.ApproximationMaxAbsError);
        }
    }

    [Fact]
    public void PlanJsonRoundTrips()
    {
        var plan = StatisticsPlanner.Plan(new(Features, Lower, Upper, ["a"], false, 100));
        var json = JsonSerializer.Serialize(plan.Document, HeComputeJson.Options);
        var back = JsonSerializer.Deserialize<PlanDocument>(json, HeComputeJson.Options)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, HeComputeJson.Options));
        Assert.Equal("moments", back.Output.Meaning);
        Assert.Equal([18, 40, -5, 1, 0], back.Input.Lower);
    }

    [Fact]
    public void FloodingAddsScaleBitsOrIsRefusedClearly()
    {
        // Flooding that dominates the noise of a sum of 100 records leaves 2 bits in a 60-bit scale.
        var plain = StatisticsPlanner.Plan(new(Features, Lower, Upper, [], false, 100, PrecisionBits: 2));
        var flooded = StatisticsPlanner.Plan(new(Features, Lower, Upper, [], false, 100, PrecisionBits: 2, NoiseFlooding: true));
        // 33 bits, plus ½·log2(100) for sums of up to 100 records whose noise flooding must dominate.
        Assert.True(Math.Log2(flooded.Scale) >= Math.Log2(plain.Scale) + NoiseFlooding.ExtraScaleBits + 4 - 1);
        Assert.Equal(flooded.NoiseBound * 10 * Math.Pow(2, NoiseFlooding.StatisticalSecurityBits), flooded.FloodingStandardDeviation, 1e-12);
        Assert.True(flooded.Document.Precision.ExpectedMaxAbsError <= Math.Pow(2, -2));
        var error = Assert.Throws<ArgumentException>(() => StatisticsPlanner.Plan(new(Features, Lower, Upper, [], false, 100, NoiseFlooding: true)));
        Assert.Contains("noise flooding", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<StatisticsPlanRequest> Invalid => new()
    {
        new(Features, [18, 40], Upper, [], false, 100),
        new(Features, Lower, [90, 150, -6], [], false, 100),
        new(Features, [18, double.NaN, -5], Upper, [], false, 100),
        new(["age", "age", "dose"], Lower, Upper, [], false, 100),
        new(Features, Lower, Upper, ["count"], false, 100),
        new(Features, Lower, Upper, [""], false, 100),
        new([], [], [], [], false, 100),
        new(Features, Lower, Upper, [], false, 1),
        new(Features, Lower, Upper, [], false, 100, PrecisionBits: 0),
        new(Features, Lower, Upper, [], false, 100, PrecisionBits: 51),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidRequestsAreRefused(StatisticsPlanRequest request) =>
        Assert.Throws<ArgumentException>(() => StatisticsPlanner.Plan(request));
}
