using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Tests.Ckks;

namespace HeCompute.Lattice.Tests.Rlwe;

/// <summary>
/// The fused key switch (digit by digit per target prime, 128-bit sums) and the hoisted one (a stored decomposition,
/// then the inner product) are two routes to the same gadget product: their outputs must agree word for word, on one
/// thread and on two. The interop tests pin both to SEAL's bytes.
/// </summary>
public sealed class KeySwitcherTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FusedSwitchEqualsDecomposeThenInnerProduct(int threads)
    {
        var product = f.Encrypt(f.RandomComplex(11));
        f.Evaluator.MultiplyInplace(product, f.Encrypt(f.RandomComplex(12)));
        var level = f.Context.GetLevel(product.ParmsId)!;
        var words = level.N * level.CoeffModulusSize;
        var target = product.DataMemory.Slice(2 * words, words);
        var key = f.RelinKeys.SquareKey!;

        var fused = new ulong[2 * words];
        var hoisted = new ulong[2 * words];
        using (EngineParallelism.Enter(threads))
        {
            KeySwitcher.SwitchKeyAdd(target, key, f.Context.KeyLevel, level, fused.AsMemory(0, words), fused.AsMemory(words, words));
            var digits = new ulong[KeySwitcher.DecomposedWords(level)];
            KeySwitcher.Decompose(target, f.Context.KeyLevel, level, digits);
            KeySwitcher.InnerProductModDownAdd(digits, key, 0, f.Context.KeyLevel, level, hoisted.AsMemory(0, words), hoisted.AsMemory(words, words));
        }

        Assert.Contains(fused, w => w != 0);
        Assert.Equal(hoisted, fused);
    }
}
