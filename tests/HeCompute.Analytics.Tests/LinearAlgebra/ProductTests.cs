using HeCompute.Analytics.LinearAlgebra;

namespace HeCompute.Analytics.Tests.LinearAlgebra;

/// <summary>
/// Slot-wise and inner products against double precision. Bounds: a product of two fresh ciphertexts at Δ = 2^40 has
/// slot errors near 10⁻⁸ for inputs in [−1, 1]; an inner product sums n of them (n = block width), so 10⁻⁸·n.
/// </summary>
public sealed class ProductTests(ShallowCkks f) : IClassFixture<ShallowCkks>
{
    [Fact]
    public void ElementwiseProductOfCiphertextsAtDifferentLevels()
    {
        var a = f.Random(10, f.Slots);
        var b = f.Random(11, f.Slots);
        var ca = f.Encrypt(a);
        var cb = SlotMask.Apply(f.Evaluation, f.Encrypt(b), Enumerable.Repeat(true, f.Slots).ToArray());
        var product = ElementwiseProduct.Multiply(f.Evaluation, ca, cb);
        var shape = ElementwiseProduct.SimulateMultiply(f.Evaluation, f.Evaluation.ShapeOf(ca), f.Evaluation.ShapeOf(cb));
        Assert.Equal(shape, f.Evaluation.ShapeOf(product));
        Assert.Equal(0, shape.Level);
        Assert.Empty(ElementwiseProduct.RequiredSteps());
        Assert.True(CkksTestContext.MaxError(a.Zip(b, (x, y) => x * y).ToArray(), f.Decrypt(product), f.Slots) < 1e-7);
    }

    [Fact]
    public void PlainProductLandsOnTheRequestedScale()
    {
        var a = f.Random(12, f.Slots);
        var w = f.Random(13, f.Slots, -3, 3);
        var ca = f.Encrypt(a);
        var same = ElementwiseProduct.WithPlain(f.Evaluation, ca, w);
        Assert.Equal(ca.Scale, same.Scale);
        var other = ElementwiseProduct.WithPlain(f.Evaluation, ca, w, outputScale: Math.Pow(2, 35));
        Assert.Equal(Math.Pow(2, 35), other.Scale);
        Assert.Equal(ElementwiseProduct.SimulateWithPlain(f.Evaluation.ShapeOf(ca), Math.Pow(2, 35)), f.Evaluation.ShapeOf(other));
        var expected = a.Zip(w, (x, y) => x * y).ToArray();
        Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(same), f.Slots) < 1e-7);
        Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(other), f.Slots) < 1e-6);
    }

    [Fact]
    public void ProductTreeOfThreeFactorsHasDepthTwo()
    {
        var values = new[] { f.Random(14, f.Slots), f.Random(15, f.Slots), f.Random(16, f.Slots) };
        var cts = values.Select(v => f.Encrypt(v)).ToArray();
        var product = ElementwiseProduct.Product(f.Evaluation, cts);
        Assert.Equal(ElementwiseProduct.SimulateProduct(f.Evaluation, cts.Select(f.Evaluation.ShapeOf).ToArray()), f.Evaluation.ShapeOf(product));
        Assert.Equal(f.Evaluation.TopLevel - 2, f.Evaluation.LevelOf(product));
        var expected = Enumerable.Range(0, f.Slots).Select(i => values[0][i] * values[1][i] * values[2][i]).ToArray();
        Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(product), f.Slots) < 1e-6);
    }

    [Fact]
    public void InnerProductWithPlainVectorInEverySlot()
    {
        var x = f.Random(17, 300);
        var w = f.Random(18, 300);
        var steps = InnerProduct.RequiredSteps(f.Slots, f.Slots, BlockSumLayout.Replicated);
        Assert.Equal(SlotSum.RequiredSteps(f.Slots), steps);
        Assert.Equal(1, InnerProduct.Depth(f.Slots, f.Slots, BlockSumLayout.Replicated));
        var result = StepAssert.RunWithExactly(f, steps, c => InnerProduct.WithPlain(c, f.Encrypt(x), w, f.Slots, BlockSumLayout.Replicated));
        var expected = x.Zip(w, (a, b) => a * b).Sum();
        Assert.Equal(f.Scale, result.Scale);
        Assert.All(f.Decrypt(result), v => Assert.True(Math.Abs(v - expected) < 1e-8 * f.Slots, $"{v} vs {expected}"));
    }

    [Fact]
    public void BatchedInnerProductsOnePerBlock()
    {
        const int width = 32;
        const int features = 30;
        var records = f.Slots / width;
        var x = new double[f.Slots];
        var data = f.Random(19, records * features);
        for (var r = 0; r < records; r++)
        {
            Array.Copy(data, r * features, x, r * width, features);
        }

        var w = f.Random(20, features, -2, 2);
        var steps = InnerProduct.RequiredSteps(f.Slots, width, BlockSumLayout.FirstSlotMasked);
        var ct = f.Encrypt(x);
        var result = StepAssert.RunWithExactly(f, steps, c => InnerProduct.WithPlain(c, ct, w, width, BlockSumLayout.FirstSlotMasked));
        Assert.Equal(InnerProduct.SimulateWithPlain(f.Slots, width, BlockSumLayout.FirstSlotMasked, f.Evaluation.ShapeOf(ct)), f.Evaluation.ShapeOf(result));
        var decrypted = f.Decrypt(result);
        for (var j = 0; j < f.Slots; j++)
        {
            var expected = j % width == 0 ? Enumerable.Range(0, features).Sum(i => x[j + i] * w[i]) : 0;
            Assert.True(Math.Abs(decrypted[j] - expected) < 1e-8 * width * 2, $"slot {j}: {decrypted[j]} vs {expected}");
        }
    }

    [Fact]
    public void InnerProductOfTwoCiphertexts()
    {
        const int width = 8;
        var a = f.Random(21, f.Slots);
        var b = f.Random(22, f.Slots);
        var steps = InnerProduct.RequiredSteps(f.Slots, width, BlockSumLayout.FirstSlot);
        var result = StepAssert.RunWithExactly(f, steps, c => InnerProduct.WithCiphertext(c, f.Encrypt(a), f.Encrypt(b), width, BlockSumLayout.FirstSlot));
        var decrypted = f.Decrypt(result);
        for (var j = 0; j < f.Slots; j += width)
        {
            var expected = Enumerable.Range(j, width).Sum(i => a[i] * b[i]);
            Assert.True(Math.Abs(decrypted[j] - expected) < 1e-7, $"slot {j}");
        }
    }
}
