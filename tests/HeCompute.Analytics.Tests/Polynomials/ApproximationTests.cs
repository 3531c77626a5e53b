using System.Diagnostics;
using HeCompute.Analytics.Polynomials;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Polynomials;

/// <summary>
/// Every approximation encrypted, at N = 16384, seven 40-bit levels and Δ = 2^40, on 8192 points of its interval
/// (both ends included): |decrypted − f| ≤ measured approximation error + CKKS noise margin, and the level and scale
/// equal the simulator's. The noise margin is 10⁻⁵ absolute (10⁻⁵ relative for 1/x, 1/√x and √x, whose values
/// reach 1/a): measured CKKS errors are near 10⁻⁷.
/// </summary>
public sealed class ApproximationTests(DeepCkks f, ITestOutputHelper output) : IClassFixture<DeepCkks>
{
    private const double NoiseMargin = 1e-5;

    public static TheoryData<string> Names => ["sigmoid", "tanh", "exp", "smooth-relu", "inverse", "inverse-sqrt", "sqrt"];

    private static FunctionApproximation Create(string name) => name switch
    {
        "sigmoid" => Approximations.Sigmoid(),
        "tanh" => Approximations.Tanh(),
        "exp" => Approximations.Exp(),
        "smooth-relu" => Approximations.SmoothRelu(),
        "inverse" => Approximations.Inverse(1, 8, initialDegree: 7, iterations: 1),
        "inverse-sqrt" => Approximations.InverseSqrt(1, 8, initialDegree: 3, iterations: 2),
        "sqrt" => Approximations.Sqrt(1, 8, initialDegree: 7, iterations: 1),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void EncryptedEvaluationIsWithinTheMeasuredBoundPlusNoise(string name)
    {
        var approximation = Create(name);
        var x = f.Random(name.Length, f.Slots, approximation.Lower, approximation.Upper);
        x[0] = approximation.Lower;
        x[1] = approximation.Upper;
        var ct = f.Encrypt(x);
        var simulation = approximation.Simulate(f.Evaluation, f.Evaluation.ShapeOf(ct));
        var watch = Stopwatch.StartNew();
        var result = approximation.Evaluate(f.Evaluation, ct);
        watch.Stop();
        Assert.Equal(simulation.Output.Level, f.Evaluation.LevelOf(result));
        Assert.Equal(simulation.Output.Scale, result.Scale);
        Assert.Equal(f.Scale, result.Scale);
        var decrypted = f.Decrypt(result);
        var toReference = 0.0;
        var toCircuit = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var magnitude = Math.Max(1, Math.Abs(approximation.Reference(x[i])));
            toReference = Math.Max(toReference, Math.Abs(decrypted[i] - approximation.Reference(x[i])) / magnitude);
            toCircuit = Math.Max(toCircuit, Math.Abs(decrypted[i] - approximation.EvaluatePlain(x[i])) / magnitude);
        }

        output.WriteLine($"{approximation}: depth {simulation.Depth}, {simulation.Multiplications} products, approximation error {approximation.MaxError:E2}, CKKS error {toCircuit:E2}, total {toReference:E2}, {watch.ElapsedMilliseconds} ms");
        Assert.True(toCircuit < NoiseMargin, $"CKKS error {toCircuit}");
        Assert.True(toReference <= approximation.MaxError + NoiseMargin, $"error {toReference} above {approximation.MaxError} + {NoiseMargin}");
    }

    [Fact]
    public void AnInputAtThePreferredScaleSavesTheMapLevel()
    {
        var inverse = Approximations.Inverse(1, 8, initialDegree: 7, iterations: 1);
        var preferred = inverse.PreferredInputScale(f.Evaluation);
        Assert.Equal(2.0 / 7 * f.Scale, preferred, 1e-6 * f.Scale);
        Assert.Equal(6, inverse.Simulate(f.Evaluation, f.Evaluation.FreshShape()).Depth);
        var simulation = inverse.Simulate(f.Evaluation, f.Evaluation.FreshShape(preferred));
        Assert.Equal(5, simulation.Depth);

        var x = f.Random(99, f.Slots, 1, 8);
        var result = inverse.Evaluate(f.Evaluation, f.Encrypt(x, preferred));
        Assert.Equal(simulation.Output, f.Evaluation.ShapeOf(result));
        var decrypted = f.Decrypt(result);
        var worst = Enumerable.Range(0, x.Length).Max(i => Math.Abs(decrypted[i] - (1 / x[i])));
        Assert.True(worst <= inverse.MaxError + NoiseMargin, $"error {worst}");
    }
}
