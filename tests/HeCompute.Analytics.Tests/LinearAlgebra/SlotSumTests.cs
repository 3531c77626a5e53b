using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Tests.LinearAlgebra;

/// <summary>
/// Slot sums, block sums, replication and masks against double precision. Bound: fresh encryption at Δ = 2^40 has
/// slot errors of about 10⁻⁸ (N = 8192); a sum of n slots adds n such errors at worst and each rotation adds
/// key-switching noise of the same order, so 10⁻⁸·(n + rotations) is asserted, with n the number of summed slots.
/// </summary>
public sealed class SlotSumTests(ShallowCkks f) : IClassFixture<ShallowCkks>
{
    private const double NoisePerSlot = 1e-8;

    [Fact]
    public void SumAllPutsTheTotalInEverySlot()
    {
        var x = f.Random(1, f.Slots);
        var steps = SlotSum.RequiredSteps(f.Slots);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => 1 << i), steps);
        var result = StepAssert.RunWithExactly(f, steps, c => SlotSum.Apply(c, f.Encrypt(x)));
        var total = x.Sum();
        var decrypted = f.Decrypt(result);
        Assert.Equal(f.Evaluation.TopLevel, f.Evaluation.LevelOf(result));
        Assert.Equal(f.Scale, result.Scale);
        Assert.All(decrypted, v => Assert.True(Math.Abs(v - total) < NoisePerSlot * (f.Slots + 12), $"{v} vs {total}"));
    }

    [Fact]
    public void CrossBlockSumAddsTheBlocksSlotWiseIntoEveryBlock()
    {
        const int width = 16;
        var x = f.Random(2, f.Slots);
        var steps = CrossBlockSum.RequiredSteps(f.Slots, width);
        Assert.Equal(new[] { 16, 32, 64, 128, 256, 512, 1024, 2048 }, steps);
        var decrypted = f.Decrypt(StepAssert.RunWithExactly(f, steps, c => CrossBlockSum.Apply(c, f.Encrypt(x), width)));
        for (var j = 0; j < f.Slots; j++)
        {
            var expected = 0.0;
            for (var b = 0; b < f.Slots / width; b++)
            {
                expected += x[(b * width) + (j % width)];
            }

            Assert.True(Math.Abs(decrypted[j] - expected) < NoisePerSlot * (f.Slots / width + 8), $"slot {j}");
        }
    }

    [Theory]
    [InlineData(BlockSumLayout.FirstSlot, 0, new[] { 1, 2, 4, 8, 16 })]
    [InlineData(BlockSumLayout.FirstSlotMasked, 1, new[] { 1, 2, 4, 8, 16 })]
    [InlineData(BlockSumLayout.Replicated, 1, new[] { -16, -8, -4, -2, -1, 1, 2, 4, 8, 16 })]
    public void BlockSumLeavesEachBlockSumWhereTheLayoutSays(BlockSumLayout layout, int depth, int[] expectedSteps)
    {
        const int width = 32;
        var x = f.Random(3, f.Slots);
        var steps = BlockSum.RequiredSteps(f.Slots, width, layout);
        Assert.Equal(expectedSteps, steps);
        Assert.Equal(depth, BlockSum.Depth(f.Slots, width, layout));
        var ct = f.Encrypt(x);
        var result = StepAssert.RunWithExactly(f, steps, c => BlockSum.Apply(c, ct, width, layout));
        Assert.Equal(BlockSum.Simulate(f.Slots, width, layout, f.Evaluation.ShapeOf(ct)), f.Evaluation.ShapeOf(result));
        var decrypted = f.Decrypt(result);
        for (var j = 0; j < f.Slots; j++)
        {
            var block = j / width;
            var sum = x.Skip(block * width).Take(width).Sum();
            var head = j % width == 0;
            double? expected = layout switch
            {
                BlockSumLayout.Replicated => sum,
                BlockSumLayout.FirstSlotMasked => head ? sum : 0,
                _ => head ? sum : null,
            };
            if (expected is { } value)
            {
                Assert.True(Math.Abs(decrypted[j] - value) < NoisePerSlot * (width + 10), $"slot {j}: {decrypted[j]} vs {value}");
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReplicationCopiesTheFirstBlockEverywhere(bool maskFirst)
    {
        const int width = 64;
        var x = f.Random(4, maskFirst ? f.Slots : width);
        var steps = BlockReplication.RequiredSteps(f.Slots, width);
        Assert.Equal(CrossBlockSum.RequiredSteps(f.Slots, width), steps);
        var ct = f.Encrypt(x);
        var result = StepAssert.RunWithExactly(f, steps, c => BlockReplication.Apply(c, ct, width, maskFirst));
        Assert.Equal(BlockReplication.Simulate(f.Evaluation.ShapeOf(ct), maskFirst), f.Evaluation.ShapeOf(result));
        var decrypted = f.Decrypt(result);
        var worst = Enumerable.Range(0, f.Slots).Max(j => Math.Abs(decrypted[j] - x[j % width]));
        Assert.True(worst < NoisePerSlot * (f.Slots / width + 6), $"error {worst}");
    }

    [Fact]
    public void MasksZeroSlotsAndKeepTheScaleExactly()
    {
        var x = f.Random(5, f.Slots);
        var ct = f.Encrypt(x);
        var keep = Enumerable.Range(0, f.Slots).Select(i => i % 3 == 0).ToArray();
        var masked = SlotMask.Apply(f.Evaluation, ct, keep);
        Assert.Equal(f.Evaluation.TopLevel - 1, f.Evaluation.LevelOf(masked));
        Assert.Equal(ct.Scale, masked.Scale);
        Assert.Empty(SlotMask.RequiredSteps());
        var decrypted = f.Decrypt(masked);
        Assert.True(CkksTestContext.MaxError(x.Select((v, i) => keep[i] ? v : 0).ToArray(), decrypted, f.Slots) < NoisePerSlot * 4);

        var range = f.Decrypt(SlotMask.KeepRange(f.Evaluation, ct, 10, 5));
        Assert.True(CkksTestContext.MaxError(x.Select((v, i) => i is >= 10 and < 15 ? v : 0).ToArray(), range, f.Slots) < NoisePerSlot * 4);
    }

    [Fact]
    public void MissingKeyIsReportedByTheEngine()
    {
        var steps = SlotSum.RequiredSteps(f.Slots);
        var context = f.WithSteps(steps.Take(steps.Count - 1));
        Assert.Throws<MissingKeyException>(() => SlotSum.Apply(context, f.Encrypt(f.Random(6, 8))));
        Assert.Throws<MissingKeyException>(() => SlotSum.Apply(f.Evaluation, f.Encrypt(f.Random(6, 8))));
    }
}
