using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Planning;

/// <summary>
/// An activation declared on an interval its inputs leave: a degree-7 sigmoid on [−1, 1] after a dense layer whose
/// outputs reach ±3.5 from inputs declared in [−1, 1]. The planner refuses it, naming the layer and both intervals;
/// asked to widen, it fits the polynomial on [−3.5, 3.5], lists the widening, and the encrypted outputs stay within
/// the plan's bound of the double-precision network with the true sigmoid on inputs reaching the corners.
/// </summary>
public sealed class ActivationIntervalTests(ITestOutputHelper output)
{
    [Fact]
    public void ANarrowIntervalIsRefusedWithTheLayerAndBothIntervals()
    {
        var error = Assert.Throws<ActivationIntervalException>(() => ModelPlanner.Plan(NarrowSigmoid(), new PlanOptions(PrecisionBits: 12)));
        output.WriteLine(error.Message);
        Assert.Equal(1, error.Layer);
        Assert.Equal("sigmoid", error.Function);
        Assert.Equal((-1.0, 1.0), (error.DeclaredLower, error.DeclaredUpper));
        Assert.Equal(-3.5, error.PropagatedLower, 12);
        Assert.Equal(3.5, error.PropagatedUpper, 12);
        Assert.Contains("Layer 1 (sigmoid)", error.Message, StringComparison.Ordinal);
        Assert.Contains("[-3.5, 3.5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[-1, 1]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// What planning it silently did: the declared polynomial, fed the corners, misses the true network by far more
    /// than the approximation error it reports (measured: the stated bound is exceeded many times over).
    /// </summary>
    [Fact]
    public void TheDeclaredPolynomialIsFarOffOutsideItsInterval()
    {
        var document = NarrowSigmoid();
        var model = new MlpModel(document, 1024);
        var worst = Corners().Max(x => Math.Abs(model.EvaluatePlain(x)[0] - Reference(document, x)[0]));
        output.WriteLine($"declared [-1, 1]: max |polynomial network − true network| = {worst:E3}, the model's approximation bound {model.ApproximationError:E3} ({worst / model.ApproximationError:F0}×)");
        Assert.True(worst > 10 * model.ApproximationError);
    }

    [Fact]
    public void AWidenedPlanSaysSoAndItsBoundHoldsAgainstDoublePrecision()
    {
        var document = NarrowSigmoid();
        var plan = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 12, WidenIntervals: true));
        var widening = Assert.Single(plan.Document.WidenedIntervals!);
        Assert.Equal((1, "sigmoid"), (widening.Layer, widening.Function));
        Assert.Equal((-1.0, 1.0), (widening.DeclaredLower, widening.DeclaredUpper));
        Assert.Equal(-3.5, widening.Lower, 12);
        Assert.Equal(3.5, widening.Upper, 12);
        Assert.Equal(widening.Lower, plan.ModelDocument.Layers[1].Lower);
        Assert.Equal(widening.Upper, plan.ModelDocument.Layers[1].Upper);
        Assert.Equal(-1.0, document.Layers[1].Lower);

        var keys = plan.Document.Keys;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        var worst = 0.0;
        foreach (var x in Corners())
        {
            var result = plan.Model.Evaluate(client.Evaluation, client.Encrypt(plan.Model.Pack([x])), 1);
            var encrypted = plan.Model.Unpack(client.Decrypt(result), 1)[0][0];
            worst = Math.Max(worst, Math.Abs(encrypted - Reference(document, x)[0]));
        }

        var bound = plan.Document.Precision.ExpectedMaxAbsError;
        output.WriteLine($"widened to [{widening.Lower}, {widening.Upper}]: N = {plan.Document.Parameters.PolyModulusDegree}, max |encrypted − true network| = {worst:E3}, plan's bound {bound:E3}");
        Assert.True(worst <= bound, $"error {worst} above the plan's bound {bound}");
    }

    [Fact]
    public void AnIntervalContainingThePropagatedInputsPlansUnchanged()
    {
        var document = NarrowSigmoid();
        var wide = document with { Layers = [document.Layers[0], document.Layers[1] with { Lower = -3.5, Upper = 3.5 }, document.Layers[2]] };
        var plan = ModelPlanner.Plan(wide, new PlanOptions(PrecisionBits: 12));
        Assert.Null(plan.Document.WidenedIntervals);
        Assert.Same(wide, plan.ModelDocument);
    }

    [Fact]
    public void ASquareDeclaredNarrowerThanItsInputsIsRefusedToo()
    {
        var document = NarrowSigmoid();
        var square = document with { Layers = [document.Layers[0], new LayerDocument { Type = "activation", Function = "square", Lower = -2, Upper = 2 }, document.Layers[2]] };
        var error = Assert.Throws<ActivationIntervalException>(() => ModelPlanner.Plan(square, new PlanOptions(PrecisionBits: 12)));
        Assert.Equal("square", error.Function);
        var undeclared = square with { Layers = [document.Layers[0], new LayerDocument { Type = "activation", Function = "square" }, document.Layers[2]] };
        Assert.Null(ModelPlanner.Plan(undeclared, new PlanOptions(PrecisionBits: 12)).Document.WidenedIntervals);
    }

    /// <summary>
    /// High degrees on small intervals, whose upper Chebyshev coefficients round to zero at the encoding scale (this
    /// threw "Every coefficient of a leaf is below the encoding resolution", a 500 at the server): the terms below the
    /// resolution are dropped, and the plan's bound — which measures the algorithm as run — holds against the true
    /// network.
    /// </summary>
    [Theory]
    [InlineData("sigmoid", 15)]
    [InlineData("sigmoid", 31)]
    [InlineData("smooth-relu", 15)]
    [InlineData("smooth-relu", 63)]
    public void HighDegreesOnSmallIntervalsPlanAndMeetTheirBound(string function, int degree)
    {
        var narrow = NarrowSigmoid();
        var document = narrow with
        {
            Input = narrow.Input with { Lower = [-0.1, -0.1], Upper = [0.1, 0.1] },
            Layers = [narrow.Layers[0], narrow.Layers[1] with { Function = function, Lower = -0.35, Upper = 0.35, Degree = degree }, narrow.Layers[2]],
        };
        var plan = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 12));
        var keys = plan.Document.Keys;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        var worst = 0.0;
        foreach (var corner in Corners())
        {
            var x = corner.Select(v => v / 10).ToArray();
            var result = plan.Model.Evaluate(client.Evaluation, client.Encrypt(plan.Model.Pack([x])), 1);
            worst = Math.Max(worst, Math.Abs(plan.Model.Unpack(client.Decrypt(result), 1)[0][0] - Reference(document, x)[0]));
        }

        output.WriteLine($"{function} of degree {degree} on [-0.35, 0.35]: N = {plan.Document.Parameters.PolyModulusDegree}, max |encrypted − true network| = {worst:E3}, plan's bound {plan.Document.Precision.ExpectedMaxAbsError:E3}");
        Assert.True(worst <= plan.Document.Precision.ExpectedMaxAbsError);
    }

    /// <summary>Two inputs in [−1, 1] → dense 2×2 (weights ±1.75: outputs reach ±3.5) → sigmoid of degree 7 on [−1, 1] → dense 1.</summary>
    internal static ModelDocument NarrowSigmoid() => new()
    {
        Kind = ModelKinds.Mlp,
        Input = new InputSchema { Features = ["a", "b"], Lower = [-1, -1], Upper = [1, 1] },
        Layers =
        [
            new LayerDocument { Type = "dense", Weights = [[1.75, 1.75], [1.75, -1.75]], Bias = [0, 0] },
            new LayerDocument { Type = "activation", Function = "sigmoid", Lower = -1, Upper = 1, Degree = 7 },
            new LayerDocument { Type = "dense", Weights = [[1, -1]], Bias = [0] },
        ],
    };

    /// <summary>The corners (where the hidden values reach ±3.5), the centre and a few points between.</summary>
    private static IEnumerable<double[]> Corners()
    {
        foreach (var a in new[] { -1, -0.5, 0, 0.5, 1 })
        {
            foreach (var b in new[] { -1, -0.5, 0, 0.5, 1 })
            {
                yield return [a, b];
            }
        }
    }

    /// <summary>The network in double precision with the true activation functions (dense and activation layers).</summary>
    internal static double[] Reference(ModelDocument document, IReadOnlyList<double> x)
    {
        var values = document.Input.Standardize(x);
        foreach (var layer in document.Layers)
        {
            values = layer.Type switch
            {
                "dense" => [.. layer.Weights!.Select((row, i) => (layer.Bias?[i] ?? 0) + row.Select((w, j) => w * values[j]).Sum())],
                _ => [.. values.Select(v => layer.Function switch
                {
                    "square" => v * v,
                    "sigmoid" => 1 / (1 + Math.Exp(-v)),
                    _ => v / (1 + Math.Exp(-(layer.Sharpness ?? 1) * v)),
                })],
            };
        }

        return values;
    }
}
