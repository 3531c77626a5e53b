using System.Diagnostics;
using System.Text.Json.Nodes;
using HeCompute.Analytics.Models;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Models;

/// <summary>N = 8192, primes {50, 35, 35, 35, 50} (205 of 218 bits), Δ = 2^35: three levels (conv, square, pool·dense).</summary>
public sealed class CnnCkks() : CkksTestContext(8192, [50, 35, 35, 35, 50], Math.Pow(2, 35));

/// <summary>N = 8192, primes {40, 33 × 4, 40} (212 of 218 bits), Δ = 2^33: four levels, for a degree-3 polynomial activation.</summary>
public sealed class PolynomialCnnCkks() : CkksTestContext(8192, [40, 33, 33, 33, 33, 40], Math.Pow(2, 33));

/// <summary>The Python-trained models and the CNN contexts, shared by the CNN and ONNX tests.</summary>
public sealed class CnnFixture : IDisposable
{
    public PythonModels Python { get; } = new();

    public CnnCkks Ckks { get; } = new();

    public void Dispose()
    {
        Python.Dispose();
        Ckks.Dispose();
    }
}

/// <summary>
/// The numpy-trained CNN (conv 4×4/2 → square → avgpool 2×2 → dense, 3 classes) on generated 28×28 images, encrypted
/// at N = 8192 (two images per ciphertext, Galois keys for exactly <c>RequiredSteps</c>). Asserted against numpy's
/// forward pass: every logit within 10⁻² (logits reach ±120; measured ≈ 10⁻⁴), the predicted class equal on 100% of
/// the test images, every non-output slot below 10⁻³, every declared step used; batched equals per-image.
/// </summary>
public sealed class CnnModelTests(CnnFixture f, ITestOutputHelper output) : IClassFixture<CnnFixture>
{
    private const double LogitBound = 1e-2;

    [Fact]
    public void EncryptedCnnMatchesNumpyOnEveryTestImage()
    {
        var model = new CnnModel(ModelDocument.Parse(f.Python.CnnJson), f.Ckks.Slots);
        Assert.Equal(2, model.LinearRuns);
        Assert.Equal(3, model.Depth(f.Ckks.Evaluation));
        Assert.Equal(1024, model.Dimension);
        Assert.Equal(2, model.RecordsPerCiphertext);
        var images = f.Python.CnnImages;
        var expected = f.Python.CnnLogits;
        var evaluation = f.Ckks.WithSteps(model.RequiredSteps);
        var used = new SortedSet<int>();
        evaluation.RotationObserver = step => used.Add(step);
        var (worst, worstOther, agree) = (0.0, 0.0, 0);
        var watch = new Stopwatch();
        for (var start = 0; start < images.Length; start += model.RecordsPerCiphertext)
        {
            var batch = images.Skip(start).Take(model.RecordsPerCiphertext).ToArray();
            var input = f.Ckks.Encrypt(model.Pack(batch));
            watch.Start();
            var result = model.Evaluate(evaluation, input, batch.Length);
            watch.Stop();
            var slots = f.Ckks.Decrypt(result);
            var outputs = model.Unpack(slots, batch.Length);
            for (var b = 0; b < batch.Length; b++)
            {
                var truth = expected[start + b];
                for (var c = 0; c < model.Outputs; c++)
                {
                    worst = Math.Max(worst, Math.Abs(outputs[b][c] - truth[c]));
                }

                agree += ArgMax(outputs[b]) == ArgMax(truth) ? 1 : 0;
            }

            worstOther = Math.Max(worstOther, OtherSlots(slots, model, batch.Length));
        }

        output.WriteLine($"{f.Python.Log.Trim()}\ncnn: d = {model.Dimension}, diagonals [{string.Join(", ", model.DiagonalCounts)}], {model.RequiredSteps.Count} steps, encoded diagonals {model.EncodedDiagonalBytes(f.Ckks.Evaluation) / 1e6:F0} MB; max |encrypted − numpy| = {worst:E2}, other slots ≤ {worstOther:E2}, {watch.ElapsedMilliseconds * model.RecordsPerCiphertext / images.Length} ms per ciphertext of {model.RecordsPerCiphertext}; classes agree {agree}/{images.Length}");
        Assert.Equal(model.RequiredSteps.Order(), used);
        Assert.True(worst < LogitBound, $"logit error {worst}");
        Assert.True(worstOther < 1e-3, $"non-output slot {worstOther}");
        Assert.Equal(images.Length, agree);
    }

    [Fact]
    public void BatchedEvaluationEqualsPerImage()
    {
        var model = new CnnModel(ModelDocument.Parse(f.Python.CnnJson), f.Ckks.Slots);
        var evaluation = f.Ckks.WithSteps(model.RequiredSteps);
        var images = f.Python.CnnImages.Take(2).ToArray();
        var batched = model.Unpack(f.Ckks.Decrypt(model.Evaluate(evaluation, f.Ckks.Encrypt(model.Pack(images)), 2)), 2);
        for (var b = 0; b < 2; b++)
        {
            var single = model.Unpack(f.Ckks.Decrypt(model.Evaluate(evaluation, f.Ckks.Encrypt(model.Pack([images[b]])), 1)), 1)[0];
            Assert.Equal(ArgMax(single), ArgMax(batched[b]));
            Assert.True(CkksTestContext.MaxError(single, batched[b], model.Outputs) < 1e-3, $"image {b}");
        }
    }

    /// <summary>
    /// A tiny CNN (1×8×8 → conv 2×3×3 → sigmoid of degree 3 on [−4, 4] → dense 2) at d = 128: 16 images per
    /// ciphertext, 5 of them present. Asserted: outputs within 10⁻³ of the plaintext circuit, and every slot outside the
    /// outputs — including the eleven absent images' blocks, where σ(0) = ½ would show if the constant were not moved
    /// into the next bias — below 10⁻³.
    /// </summary>
    [Fact]
    public void PolynomialActivationKeepsUnusedSlotsAtZero()
    {
        var random = new Random(3);
        double[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        var document = new ModelDocument
        {
            Kind = ModelKinds.Cnn,
            Input = new InputSchema { Features = [.. Enumerable.Range(0, 64).Select(i => $"p{i}")], Shape = [1, 8, 8] },
            Layers =
            [
                new LayerDocument { Type = LayerTypes.Conv2d, KernelShape = [2, 1, 3, 3], Kernel = Values(18), Bias = [0.1, -0.2] },
                new LayerDocument { Type = LayerTypes.Activation, Function = "sigmoid", Lower = -4, Upper = 4, Degree = 3 },
                new LayerDocument { Type = LayerTypes.Flatten },
                new LayerDocument { Type = LayerTypes.Dense, Weights = [Values(72), Values(72)], Bias = [0.3, 0.05] },
            ],
        };
        using var ckks = new PolynomialCnnCkks();
        var model = new CnnModel(document, ckks.Slots);
        Assert.Equal(2 + 2, model.Depth(ckks.Evaluation));
        Assert.Equal(16, model.RecordsPerCiphertext);
        var images = Enumerable.Range(0, 5).Select(_ => Values(64)).ToArray();
        var slots = ckks.Decrypt(model.Evaluate(ckks.WithSteps(model.RequiredSteps), ckks.Encrypt(model.Pack(images)), images.Length));
        var outputs = model.Unpack(slots, images.Length);
        for (var b = 0; b < images.Length; b++)
        {
            var plain = model.EvaluatePlain(images[b]);
            Assert.True(CkksTestContext.MaxError(plain, outputs[b], 2) < 1e-3, $"image {b}: {outputs[b][0]} vs {plain[0]}");
        }

        Assert.True(OtherSlots(slots, model, images.Length) < 1e-3);
    }

    [Theory]
    [InlineData("""{"type":"conv2d","kernelShape":[2,3,3,3],"kernel":[]}""", "input channels")]
    [InlineData("""{"type":"conv2d","kernelShape":[1,1,3,3],"kernel":[1,2]}""", "kernel needs 9")]
    [InlineData("""{"type":"conv2d","kernelShape":[1,1,5,5],"kernel":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"padding":[5,5]}""", "smaller than the kernel")]
    [InlineData("""{"type":"avgpool","kernel":[9,9]}""", "does not fit")]
    [InlineData("""{"type":"avgpool","kernel":[1.5,2]}""", "two positive integers")]
    [InlineData("""{"type":"dense","weights":[[1,2]]}""", "flat input")]
    public void BadImageLayersAreClearErrors(string layer, string message)
    {
        var features = string.Join(",", Enumerable.Range(0, 64).Select(i => $"\"p{i}\""));
        var layers = layer + """,{"type":"flatten"},{"type":"dense","weights":[[1]]}""";
        var json = $$"""{"format":"hecompute-model","formatVersion":1,"kind":"cnn","input":{"features":[{{features}}],"shape":[1,8,8]},"layers":[{{layers}}]}""";
        var error = Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACnnNeedsItsShapeAndImageLayersNeedACnn()
    {
        var wrongShape = JsonNode.Parse(f.Python.CnnJson)!;
        wrongShape["input"]!["shape"] = new JsonArray(1, 28, 27);
        Assert.Contains("input.shape", Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(wrongShape.ToJsonString())).Message, StringComparison.Ordinal);
        var wrongKind = JsonNode.Parse(f.Python.CnnJson)!;
        wrongKind["kind"] = "mlp";
        Assert.Contains("needs model kind 'cnn'", Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(wrongKind.ToJsonString())).Message, StringComparison.Ordinal);
    }

    private static int ArgMax(IReadOnlyList<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    private static double OtherSlots(double[] slots, IEncryptedModel model, int records)
    {
        var worst = 0.0;
        for (var s = 0; s < slots.Length; s++)
        {
            var offset = s % model.RecordStride;
            if (s / model.RecordStride >= records || offset >= model.Outputs)
            {
                worst = Math.Max(worst, Math.Abs(slots[s]));
            }
        }

        return worst;
    }
}
