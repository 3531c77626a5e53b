using System.Diagnostics;
using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.LinearAlgebra;

/// <summary>
/// Plaintext matrix × encrypted vector against double precision: at Δ = 2^40 the error is asserted below
/// 10⁻⁵·‖M‖_F·‖x‖_2 (relative to the norms: the product's magnitude bound), with RequiredSteps exact.
/// </summary>
public sealed class DiagonalMatrixTests(ShallowCkks f, ITestOutputHelper output) : IClassFixture<ShallowCkks>
{
    private static double[,] RandomMatrix(int seed, int rows, int columns)
    {
        var random = new Random(seed);
        var m = new double[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                m[i, j] = (random.NextDouble() * 2) - 1;
            }
        }

        return m;
    }

    private static double[] Multiply(double[,] m, double[] x, double[]? bias = null)
    {
        var y = new double[m.GetLength(0)];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = bias is null ? 0 : bias[i];
            for (var j = 0; j < m.GetLength(1); j++)
            {
                y[i] += m[i, j] * x[j];
            }
        }

        return y;
    }

    private static double Norm(double[,] m) => Math.Sqrt(m.Cast<double>().Sum(v => v * v));

    private static double Norm(double[] x) => Math.Sqrt(x.Sum(v => v * v));

    private static double[] Pack(double[] x, MatrixVectorLayout layout, int slots)
    {
        var packed = new double[slots];
        var period = layout.Packing == VectorPacking.Replicated ? layout.Dimension : slots;
        for (var start = 0; start < slots; start += period)
        {
            Array.Copy(x, 0, packed, start, x.Length);
        }

        return packed;
    }

    [Theory]
    [InlineData(64, 64, VectorPacking.Compact, null)]
    [InlineData(10, 30, VectorPacking.Compact, null)]
    [InlineData(30, 10, VectorPacking.Compact, null)]
    [InlineData(20, 50, VectorPacking.Replicated, 64)]
    [InlineData(2, 30, VectorPacking.Replicated, null)]
    [InlineData(1, 30, VectorPacking.Compact, null)]
    public void DenseProductMatchesDoublePrecision(int rows, int columns, VectorPacking packing, int? dimension)
    {
        var layout = MatrixVectorLayout.Create(rows, columns, f.Slots, packing, dimension);
        var m = RandomMatrix(rows * 100 + columns, rows, columns);
        var matrix = new DiagonalMatrix(m, layout);
        Assert.Equal(DiagonalMatrix.RequiredStepsDense(layout), matrix.RequiredSteps);
        var x = f.Random(columns, columns);
        var ct = f.Encrypt(Pack(x, layout, f.Slots));
        var watch = Stopwatch.StartNew();
        var result = StepAssert.RunWithExactly(f, matrix.RequiredSteps, c => matrix.Multiply(c, ct));
        watch.Stop();
        Assert.Equal(DiagonalMatrix.Simulate(f.Evaluation.ShapeOf(ct)), f.Evaluation.ShapeOf(result));
        Assert.Equal(ct.Scale, result.Scale);
        var decrypted = f.Decrypt(result);
        var expected = Multiply(m, x);
        var bound = 1e-5 * Norm(m) * Norm(x);
        var worst = 0.0;
        for (var s = 0; s < f.Slots; s++)
        {
            var index = packing == VectorPacking.Replicated ? s % layout.Dimension : s;
            var value = index < rows ? expected[index] : 0;
            worst = Math.Max(worst, Math.Abs(decrypted[s] - value));
        }

        output.WriteLine($"{rows}×{columns} {packing} d={layout.Dimension} g={layout.BabySteps}: {matrix.RequiredSteps.Count} keys, error {worst:E2} (bound {bound:E2}), {watch.ElapsedMilliseconds} ms incl. encoding");
        Assert.True(worst < bound, $"error {worst} above {bound}");
        Assert.True(worst < 1e-6, $"error {worst}");
    }

    /// <summary>
    /// Every rotation layout the planner compares gives the same product within the same bound, with exactly its own
    /// (fewer) keys, and runs the key switches its <see cref="DiagonalMatrix.Work"/> counts.
    /// </summary>
    [Theory]
    [InlineData(64, 64, VectorPacking.Compact, null)]
    [InlineData(20, 50, VectorPacking.Replicated, 64)]
    public void EveryRotationScheduleGivesTheProductWithItsOwnKeys(int rows, int columns, VectorPacking packing, int? dimension)
    {
        var layout = MatrixVectorLayout.Create(rows, columns, f.Slots, packing, dimension);
        var m = RandomMatrix((rows * 7) + columns, rows, columns);
        var x = f.Random(columns + 1, columns);
        var ct = f.Encrypt(Pack(x, layout, f.Slots));
        var expected = Multiply(m, x);
        var bound = 1e-5 * Norm(m) * Norm(x);
        var hoistedKeys = new DiagonalMatrix(m, layout).RequiredSteps.Count;
        foreach (var schedule in RotationSchedule.Candidates(layout.BabySteps))
        {
            var matrix = new DiagonalMatrix(m, layout, schedule);
            var context = f.WithSteps(matrix.RequiredSteps);
            var used = new SortedSet<int>();
            var switches = 0;
            context.RotationObserver = step =>
            {
                used.Add(step);
                switches++;
            };
            var decrypted = f.Decrypt(matrix.Multiply(context, ct));
            Assert.Equal(matrix.RequiredSteps, used);
            Assert.Equal(matrix.RotationCount, switches);
            Assert.True(matrix.RequiredSteps.Count <= hoistedKeys, $"{schedule.Name}: {matrix.RequiredSteps.Count} keys");
            var worst = 0.0;
            for (var s = 0; s < f.Slots; s++)
            {
                var index = packing == VectorPacking.Replicated ? s % layout.Dimension : s;
                worst = Math.Max(worst, Math.Abs(decrypted[s] - (index < rows ? expected[index] : 0)));
            }

            output.WriteLine($"{rows}×{columns} {schedule.Name}: {matrix.RequiredSteps.Count} keys, {matrix.RotationCount} key switches, error {worst:E2}");
            Assert.True(worst < bound, $"{schedule.Name}: error {worst} above {bound}");
        }

        // The single-key chain with a shared giant key: steps 1 and g (plus the wrap copy's) only.
        var chain = new DiagonalMatrix(m, layout, new RotationSchedule(1, true));
        Assert.True(chain.RequiredSteps.Count <= 3, string.Join(' ', chain.RequiredSteps));
    }

    [Fact]
    public void SparseMatrixUsesOnlyItsDiagonalsSteps()
    {
        // Tridiagonal 32 × 32: diagonals 0, 1 and 31 (= −1 mod 32).
        const int n = 32;
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            m[i, i] = 2;
            m[i, (i + 1) % n] = -1;
            m[i, (i + n - 1) % n] = -0.5;
        }

        var layout = MatrixVectorLayout.Create(n, n, f.Slots, VectorPacking.Compact, babySteps: 8);
        var matrix = new DiagonalMatrix(m, layout);
        Assert.Equal(3, matrix.NonZeroDiagonals);
        Assert.Equal(new[] { -32, 1, 7, 24 }, matrix.RequiredSteps);
        Assert.Equal(matrix.RequiredSteps, DiagonalMatrix.RequiredStepsFor(m, layout));
        var x = f.Random(7, n);
        var result = StepAssert.RunWithExactly(f, matrix.RequiredSteps, c => matrix.Multiply(c, f.Encrypt(x)));
        Assert.True(CkksTestContext.MaxError(Multiply(m, x), f.Decrypt(result), n) < 1e-6);
    }

    [Fact]
    public void ADiagonalMatrixNeedsNoRotationAtAll()
    {
        var m = new double[8, 8];
        for (var i = 0; i < 8; i++)
        {
            m[i, i] = i - 3.5;
        }

        var matrix = new DiagonalMatrix(m, MatrixVectorLayout.Create(8, 8, f.Slots));
        Assert.Empty(matrix.RequiredSteps);
        var x = f.Random(8, 8);
        var result = matrix.Multiply(f.Evaluation, f.Encrypt(x));
        Assert.True(CkksTestContext.MaxError(Multiply(m, x), f.Decrypt(result), 8) < 1e-7);
    }

    [Fact]
    public void BiasAndOutputScaleAndChainedLayers()
    {
        var m1 = RandomMatrix(31, 16, 30);
        var m2 = RandomMatrix(32, 4, 16);
        var b1 = f.Random(33, 16);
        var b2 = f.Random(34, 4);
        var first = new DiagonalMatrix(m1, MatrixVectorLayout.Create(16, 30, f.Slots));
        var second = new DiagonalMatrix(m2, MatrixVectorLayout.Create(4, 16, f.Slots));
        var steps = RotationSteps.Union(f.Slots, first.RequiredSteps, second.RequiredSteps);
        var x = f.Random(35, 30);
        var target = Math.Pow(2, 38);
        var result = StepAssert.RunWithExactly(f, steps, c =>
        {
            var hidden = first.Multiply(c, f.Encrypt(x), b1, outputScale: target);
            Assert.Equal(target, hidden.Scale);
            return second.Multiply(c, hidden, b2);
        });
        Assert.Equal(0, f.Evaluation.LevelOf(result));
        Assert.Equal(target, result.Scale);
        var expected = Multiply(m2, Multiply(m1, x, b1), b2);
        var decrypted = f.Decrypt(result);
        Assert.True(CkksTestContext.MaxError(expected, decrypted, 4) < 1e-5);
        Assert.True(decrypted.Skip(4).All(v => Math.Abs(v) < 1e-5), "compact output: zero outside the rows");
    }

    [Fact]
    public void MissingGiantStepKeyThrows()
    {
        var layout = MatrixVectorLayout.Create(16, 16, f.Slots);
        var matrix = new DiagonalMatrix(RandomMatrix(40, 16, 16), layout);
        var context = f.WithSteps(matrix.RequiredSteps.Where(step => step != layout.BabySteps));
        Assert.Throws<MissingKeyException>(() => matrix.Multiply(context, f.Encrypt(f.Random(41, 16))));
    }
}
