using System.Diagnostics;
using HeCompute.Analytics.Polynomials;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Polynomials;

/// <summary>
/// Encrypted polynomial evaluation against Clenshaw in double precision, at N = 16384 with seven 40-bit levels and
/// Δ = 2^40. Noise margin: 10⁻⁶·(1 + Σ|c_j|) — fresh encryption errors near 10⁻⁸ amplified through the power basis
/// (|T_j| ≤ 1) and the coefficients, with two orders of magnitude to spare.
/// </summary>
public sealed class PolynomialEvaluatorTests(DeepCkks f, ITestOutputHelper output) : IClassFixture<DeepCkks>
{
    private static double Margin(ChebyshevSeries series) => 1e-6 * (1 + series.Coefficients.Sum(Math.Abs));

    private (double Error, Ciphertext Result, CircuitSimulation Simulation) Run(ChebyshevSeries series, double[] x, double scale)
    {
        var ct = f.Encrypt(x, scale);
        var simulation = PolynomialEvaluator.Simulate(f.Evaluation, f.Evaluation.ShapeOf(ct), series);
        var watch = Stopwatch.StartNew();
        var result = PolynomialEvaluator.Evaluate(f.Evaluation, ct, series);
        watch.Stop();
        var error = CkksTestContext.MaxError(x.Select(series.Evaluate).ToArray(), f.Decrypt(result), x.Length);
        output.WriteLine($"degree {series.Degree} on [{series.Lower}, {series.Upper}]: depth {simulation.Depth}, {simulation.Multiplications} products, error {error:E2}, {watch.ElapsedMilliseconds} ms");
        Assert.Equal(simulation.Output.Level, f.Evaluation.LevelOf(result));
        Assert.Equal(simulation.Output.Scale, result.Scale);
        Assert.Equal(f.Scale, result.Scale);
        Assert.Empty(PolynomialEvaluator.RequiredSteps());
        return (error, result, simulation);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(31)]
    [InlineData(100)]
    public void OnTheUnitIntervalDepthIsCeilLog2OfDegreePlusOne(int degree)
    {
        var random = new Random(degree);
        var series = new ChebyshevSeries(-1, 1, Enumerable.Range(0, degree + 1).Select(j => ((random.NextDouble() * 2) - 1) / (1 + j)).ToArray());
        var (error, _, simulation) = Run(series, f.Random(degree + 100, f.Slots), f.Scale);
        Assert.Equal((int)Math.Ceiling(Math.Log2(degree + 1)), simulation.Depth);
        Assert.True(error < Margin(series), $"error {error}");
    }

    [Fact]
    public void OnAnIntervalTheMapCostsOneLevelUnlessTheInputComesAtThePreferredScale()
    {
        var series = ChebyshevSeries.Interpolate(x => Math.Sin(x) + (0.1 * x), 0, 10, 15);
        var x = f.Random(7, f.Slots, 0, 10);
        Assert.Equal(5, PolynomialEvaluator.Depth(f.Evaluation, series, f.Scale));
        var (paid, _, paidSimulation) = Run(series, x, f.Scale);
        Assert.Equal(5, paidSimulation.Depth);

        var preferred = PolynomialEvaluator.PreferredInputScale(f.Evaluation, series);
        Assert.Equal(0.2 * f.Scale, preferred);
        Assert.True(PolynomialEvaluator.AffineMapIsFree(f.Evaluation, series, preferred));
        var (free, _, freeSimulation) = Run(series, x, preferred);
        Assert.Equal(4, freeSimulation.Depth);
        Assert.True(paid < Margin(series) && free < Margin(series), $"errors {paid}, {free}");
    }

    [Fact]
    public void ADegreeOneSeriesFoldsTheMapIntoItsConstants()
    {
        var series = new ChebyshevSeries(3, 7, [1.5, -2]);
        var (error, _, simulation) = Run(series, f.Random(8, f.Slots, 3, 7), f.Scale);
        Assert.Equal(1, simulation.Depth);
        Assert.Equal(0, simulation.Multiplications);
        Assert.True(error < 1e-6);
    }

    [Fact]
    public void TooDeepAPolynomialIsRefusedByEvaluatorAndSimulator()
    {
        var series = new ChebyshevSeries(-1, 1, Enumerable.Repeat(0.01, 256).ToArray());
        Assert.Throws<InsufficientLevelsException>(() => PolynomialEvaluator.Simulate(f.Evaluation, f.Evaluation.FreshShape(), series));
        Assert.Throws<InsufficientLevelsException>(() => PolynomialEvaluator.Evaluate(f.Evaluation, f.Encrypt([0.5]), series));
    }

    [Fact]
    public void TheSimulatorPredictsEveryLevelAndScaleForAnyStartingPoint()
    {
        // No encryption: the same algorithm on shapes, from every level and a few odd scales.
        var series = ChebyshevSeries.Interpolate(Math.Exp, -2, 2, 12);
        for (var level = 5; level <= f.Evaluation.TopLevel; level++)
        {
            foreach (var scale in new[] { f.Scale, f.Scale * 1.37, f.Scale / 3 })
            {
                var simulation = PolynomialEvaluator.Simulate(f.Evaluation, new CiphertextShape(level, scale), series, targetScale: Math.Pow(2, 39));
                Assert.Equal(Math.Pow(2, 39), simulation.Output.Scale);
                Assert.Equal(level - PolynomialEvaluator.Depth(f.Evaluation, series, scale), simulation.Output.Level);
            }
        }
    }
}
