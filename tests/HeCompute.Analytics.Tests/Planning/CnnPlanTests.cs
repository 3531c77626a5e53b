using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Analytics.Tests.Models;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Planning;

/// <summary>
/// The planner on a CNN: bounds through convolution and pooling, exactly the rotations the circuit uses, precision met
/// on random images and, for the numpy-trained CNN, on every generated test image against numpy's logits.
/// </summary>
public sealed class CnnPlanTests(CnnFixture f, ITestOutputHelper output) : IClassFixture<CnnFixture>
{
    /// <summary>
    /// The trained CNN planned at 12 and 20 bits: every logit of every test image, encrypted with exactly the planned
    /// keys, within the plan's bound of numpy's double-precision forward pass (the circuit has no approximation: the
    /// bound is all CKKS noise).
    /// </summary>
    [Theory]
    [InlineData(12)]
    [InlineData(20)]
    public void TheTrainedCnnMeetsItsPlannedBoundOnEveryTestImage(int precisionBits)
    {
        // The generated pixels are clipped to [−0.5, 1.5]; declaring it (as a user declares a modality's range) bounds the
        // convolution's outputs far tighter than the ±8 assumed for undeclared inputs.
        var parsed = ModelDocument.Parse(f.Python.CnnJson);
        var document = parsed with { Input = parsed.Input with { Lower = [.. Enumerable.Repeat(-0.5, 784)], Upper = [.. Enumerable.Repeat(1.5, 784)] } };
        var plan = ModelPlanner.Plan(document, new PlanOptions(precisionBits));
        var keys = plan.Document.Keys;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        var model = plan.Model;
        var images = f.Python.CnnImages;
        var expected = f.Python.CnnLogits;
        var worst = 0.0;
        for (var start = 0; start < images.Length; start += model.RecordsPerCiphertext)
        {
            var batch = images.Skip(start).Take(model.RecordsPerCiphertext).ToArray();
            var outputs = model.Unpack(client.Decrypt(model.Evaluate(client.Evaluation, client.Encrypt(model.Pack(batch)), batch.Length)), batch.Length);
            for (var b = 0; b < batch.Length; b++)
            {
                for (var c = 0; c < model.Outputs; c++)
                {
                    worst = Math.Max(worst, Math.Abs(outputs[b][c] - expected[start + b][c]));
                }
            }
        }

        var bound = plan.Document.Precision.ExpectedMaxAbsError;
        var cnn = Assert.IsType<CnnModel>(model);
        // Before, every diagonal was held in its slot layout (one double per slot); now d doubles, laid out per encoding.
        var slotLayoutBytes = cnn.DiagonalCounts.Sum(count => (long)count * cnn.SlotCount * sizeof(double));
        output.WriteLine($"trained CNN at {precisionBits} bits: N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}] ({plan.Document.Parameters.CoeffModulusBits.Sum()}), {images.Length} images, max |encrypted − numpy| = {worst:E2}, bound {bound:E2} ({bound / worst:F0}×); compiled model holds {cnn.ResidentBytes / 1e6:F1} MB (diagonals in slot layout: {slotLayoutBytes / 1e6:F1} MB), encoded diagonals {cnn.EncodedDiagonalBytes(client.Evaluation) / 1e6:F0} MB in the plaintext cache");
        Assert.True(cnn.ResidentBytes <= 50_000_000, $"{cnn.ResidentBytes} bytes held");
        Assert.True(worst <= bound, $"error {worst} above the plan's {bound}");
        Assert.True(bound <= Math.Pow(2, -precisionBits));
    }

    [Fact]
    public void ACnnIsPlannedAndMeetsItsPrecisionWithOnlyThePlannedKeys()
    {
        var document = SmallCnn();
        var plan = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 12));
        var keys = plan.Document.Keys;
        Assert.Equal("cnn", plan.Document.ModelKind);
        Assert.Equal(plan.Model.RequiredSteps, keys.GaloisSteps);
        Assert.True(plan.Document.Sizes.GaloisKeysBytes > 0);

        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        var model = plan.Model;
        var random = new Random(5);
        var images = Enumerable.Range(0, model.RecordsPerCiphertext)
            .Select(_ => (IReadOnlyList<double>)[.. Enumerable.Range(0, 784).Select(_ => random.NextDouble())])
            .ToArray();
        var used = new SortedSet<int>();
        var evaluation = client.Evaluation.WithKeys(client.Evaluation.Keys);
        evaluation.RotationObserver = step => used.Add(step);
        var result = model.Evaluate(evaluation, client.Encrypt(model.Pack(images)), images.Length);
        var outputs = model.Unpack(client.Decrypt(result), images.Length);
        var worst = 0.0;
        for (var i = 0; i < images.Length; i++)
        {
            var expected = model.EvaluatePlain(document.Input.Standardize(images[i]));
            for (var c = 0; c < expected.Length; c++)
            {
                worst = Math.Max(worst, Math.Abs(outputs[i][c] - expected[c]));
            }
        }

        output.WriteLine($"N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}], {images.Length} images per ciphertext, max |encrypted − plain| = {worst:E2}, bound {plan.Document.Precision.ExpectedMaxAbsError:E2}");
        Assert.True(worst <= plan.Document.Precision.ExpectedMaxAbsError, $"error {worst} above the plan's {plan.Document.Precision.ExpectedMaxAbsError}");
        Assert.Equal(keys.GaloisSteps, used);
    }

    /// <summary>conv 1→2 (4×4, stride 2, pad 1) → square → avgpool 2×2 → flatten → dense 98→2, pixels declared in [0, 1].</summary>
    private static ModelDocument SmallCnn()
    {
        var random = new Random(11);
        double Weight(double scale) => ((random.NextDouble() * 2) - 1) * scale;
        return new ModelDocument
        {
            Kind = ModelKinds.Cnn,
            Input = new InputSchema
            {
                Features = [.. Enumerable.Range(0, 784).Select(i => $"pixel_{i}")],
                Shape = [1, 28, 28],
                Lower = [.. Enumerable.Repeat(0.0, 784)],
                Upper = [.. Enumerable.Repeat(1.0, 784)],
            },
            Layers =
            [
                new LayerDocument { Type = "conv2d", KernelShape = [2, 1, 4, 4], Kernel = [.. Enumerable.Range(0, 32).Select(_ => Weight(0.2))], Bias = [0.1, -0.1], Stride = [2, 2], Padding = [1, 1] },
                new LayerDocument { Type = "activation", Function = "square" },
                new LayerDocument { Type = "avgpool", Kernel = [2, 2], Stride = [2, 2] },
                new LayerDocument { Type = "flatten" },
                new LayerDocument { Type = "dense", Weights = [[.. Enumerable.Range(0, 98).Select(_ => Weight(0.5))], [.. Enumerable.Range(0, 98).Select(_ => Weight(0.5))]], Bias = [0, 0] },
            ],
        };
    }
}
