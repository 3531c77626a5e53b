using System.Diagnostics;
using HeCompute.Analytics.Polynomials;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Polynomials;

public sealed class PolynomialEvaluatorTests(DeepCkks f, ITestOutputHelper output) : IClassFixture<DeepCkks>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(31)]
    [InlineData(63)]
    [InlineData(100)]
    public void RandomSeriesOnUnitIntervalHasOptimalDepthAndExactScale(int degree)
    {
        var random = new Random(degree);
        var coefficients = Enumerable.Range(0, degree + 1).Select(j => (random.NextDouble() * 2 - 1) / (1 + j)).ToArray();
        var series = new ChebyshevSeries(-1, 1, coefficients);
        var x = f.Random(degree + 100, f.Slots);
        var ct = f.Encrypt(x);
        var simulated = PolynomialEvaluator.Simulate(f.Evaluation, f.Evaluation.ShapeOf(ct), series);
        var watch = Stopwatch.StartNew();
        var result = PolynomialEvaluator.Evaluate(f.Evaluation, ct, series);
        watch.Stop();
        var decrypted = f.Decrypt(result);
        var expected = x.Select(series.Evaluate).ToArray();
        var error = CkksTestContext.MaxError(expected, decrypted, f.Slots);
        output.WriteLine($"degree {degree}: depth {simulated.Depth}, {simulated.Multiplications} products, error {error:E2}, {watch.ElapsedMilliseconds} ms");
        Assert.Equal(simulated.Output.Level, f.Evaluation.LevelOf(result));
        Assert.Equal(simulated.Output.Scale, result.Scale);
        Assert.Equal(f.Scale, result.Scale);
        Assert.Equal((int)Math.Ceiling(Math.Log2(degree + 1)), simulated.Depth);
        Assert.True(error < 1e-5, $"error {error}");
    }
}
