using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Tests;

public sealed class PlanPackerTests
{
    private static readonly PlanOutput OneOutput = new(["y"], [0], "value", 0, 1);

    [Fact]
    public void StandardisedFeaturesLandAtTheirOffsetsInEachRecord()
    {
        var input = new PlanInput(["a", "b", "c"], [1, 2, 3], [2, 4, 8], null, null, 4, 4, [0, 1, 2], 0, 1);
        var packer = new PlanPacker(input, OneOutput, 16);
        var slots = packer.Pack([[3, 6, 11], [5, 10, 19]]);

        // Hand-computed: (x − mean) / scale, record r at slots 4r…4r+3, slot 3 of each record and records 2–3 empty.
        Assert.Equal(new double[] { 1, 1, 1, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, slots);
    }

    [Fact]
    public void ReplicatedFeaturesFillEveryCopy()
    {
        // Two features, each copied 3 times with period 2 in a record of 8 slots: a b a b a b 0 0.
        var input = new PlanInput(["a", "b"], null, null, null, null, 2, 8, [0, 1], 2, 3);
        var packer = new PlanPacker(input, new PlanOutput(["p", "q"], [0, 4], "logits", 0, 1), 16);
        var slots = packer.Pack([[7, -1], [0.5, 2]]);
        Assert.Equal(new double[] { 7, -1, 7, -1, 7, -1, 0, 0, 0.5, 2, 0.5, 2, 0.5, 2, 0, 0 }, slots);

        var results = new double[16];
        results[0] = 10;
        results[4] = 11;
        results[8] = 20;
        results[12] = 21;
        var outputs = packer.Unpack(results, 2);
        Assert.Equal(new[] { 10.0, 11.0 }, outputs[0]);
        Assert.Equal(new[] { 20.0, 21.0 }, outputs[1]);
    }

    [Fact]
    public void BadRecordsAndInconsistentLayoutsAreRefused()
    {
        var input = new PlanInput(["a", "b"], null, null, [0, 0], [1, 10], 2, 4, [0, 1], 0, 1);
        var packer = new PlanPacker(input, OneOutput, 8);
        Assert.Throws<ArgumentException>(() => packer.Pack([[0.5, 1], [0.5, 1], [0.5, 1]]));
        Assert.Throws<ArgumentException>(() => packer.Pack([[0.5]]));
        Assert.Contains("above its declared upper bound", Assert.Throws<ArgumentException>(() => packer.Pack([[2, 1]])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => packer.Pack([[double.NaN, 1]]));

        Assert.Throws<PlanMismatchException>(() => new PlanPacker(input with { RecordsPerCiphertext = 3 }, OneOutput, 8));
        Assert.Throws<PlanMismatchException>(() => new PlanPacker(input with { FeatureOffsets = [0, 0] }, OneOutput, 8));
        Assert.Throws<PlanMismatchException>(() => new PlanPacker(input with { Copies = 2, ReplicationPeriod = 3 }, OneOutput, 8));
        Assert.Throws<PlanMismatchException>(() => new PlanPacker(input, OneOutput with { Offsets = [4] }, 8));
        Assert.Throws<PlanMismatchException>(() => new PlanPacker(input with { ScaleBy = [1, 0] }, OneOutput, 8));
    }
}
