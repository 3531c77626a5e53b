using HeCompute.Analytics.Models;
using HeCompute.Analytics.Onnx;
using HeCompute.Analytics.Tests.Models;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Onnx;

/// <summary>
/// ONNX files written by Debian's python3-onnx (<see cref="PythonModels"/>), imported and checked against numpy's
/// forward passes of the same weights: the CNN (Conv, Mul, AveragePool, Flatten, Gemm, trailing Softmax) as a plaintext
/// circuit within 10⁻⁹ of numpy on every test image and encrypted on the first eight (the JSON export of the same
/// network runs encrypted on all of them in <see cref="CnnModelTests"/>) with the same classes; BatchNormalization folded exactly (plaintext circuit within 10⁻⁹
/// of numpy); sklearn's logistic regression encrypted on the whole breast-cancer test split with the same predictions
/// as Python; sklearn's relu MLP with Relu replaced by the smooth-ReLU polynomial; unsupported operators named.
/// </summary>
public sealed class OnnxImporterTests(CnnFixture f, ITestOutputHelper output) : IClassFixture<CnnFixture>
{
    private static readonly string[] Pixels = [.. Enumerable.Range(0, 784).Select(i => $"pixel_{i}")];

    [Fact]
    public void EncryptedOnnxCnnMatchesNumpyOnEveryTestImage()
    {
        var document = OnnxImporter.Import(f.Python.Onnx("cnn"), new OnnxImportOptions { Features = Pixels });
        Assert.Equal(ModelKinds.Cnn, document.Kind);
        Assert.Equal([LayerTypes.Conv2d, LayerTypes.Activation, LayerTypes.AvgPool, LayerTypes.Flatten, LayerTypes.Dense], document.Layers.Select(l => l.Type));
        var model = new CnnModel(document, f.Ckks.Slots);
        var images = f.Python.CnnImages;
        var expected = f.Python.CnnLogits;
        var worstPlain = 0.0;
        for (var i = 0; i < images.Length; i++)
        {
            worstPlain = Math.Max(worstPlain, CkksTestContext.MaxError(expected[i], model.EvaluatePlain(images[i]), 3));
        }

        Assert.True(worstPlain < 1e-9, $"plaintext circuit vs numpy {worstPlain}");
        var evaluation = f.Ckks.WithSteps(model.RequiredSteps);
        var agree = 0;
        var worst = 0.0;
        const int Encrypted = 8;
        for (var start = 0; start < Encrypted; start += model.RecordsPerCiphertext)
        {
            var batch = images.Skip(start).Take(model.RecordsPerCiphertext).ToArray();
            var outputs = model.Unpack(f.Ckks.Decrypt(model.Evaluate(evaluation, f.Ckks.Encrypt(model.Pack(batch)), batch.Length)), batch.Length);
            for (var b = 0; b < batch.Length; b++)
            {
                worst = Math.Max(worst, CkksTestContext.MaxError(expected[start + b], outputs[b], 3));
                agree += ArgMax(outputs[b]) == ArgMax(expected[start + b]) ? 1 : 0;
            }
        }

        output.WriteLine($"ONNX cnn: plaintext circuit vs numpy {worstPlain:E2}, encrypted vs numpy {worst:E2}, classes agree {agree}/{Encrypted}");
        Assert.True(worst < 1e-2, $"logit error {worst}");
        Assert.Equal(Encrypted, agree);
    }

    [Fact]
    public void BatchNormalizationFoldsExactly()
    {
        var cnn = new CnnModel(OnnxImporter.Import(f.Python.Onnx("cnn_bn"), new OnnxImportOptions { Features = Pixels }), 4096);
        var images = f.Python.CnnImages;
        var expected = f.Python.CnnBatchNormLogits;
        for (var i = 0; i < images.Length; i++)
        {
            Assert.True(CkksTestContext.MaxError(expected[i], cnn.EvaluatePlain(images[i]), 3) < 1e-9, $"image {i}");
        }

        var cancer = f.Python.Cancer;
        var dense = OnnxImporter.Import(f.Python.Onnx("dense_bn"), CancerOptions(cancer));
        Assert.Equal(ModelKinds.Mlp, dense.Kind);
        var mlp = new MlpModel(dense, 4096);
        var records = PythonModels.Matrix(cancer.GetProperty("x"));
        var logits = PythonModels.Vector(cancer.GetProperty("denseBnLogit"));
        for (var r = 0; r < records.Length; r++)
        {
            var plain = mlp.EvaluatePlain(dense.Input.Standardize(records[r]))[0];
            Assert.True(Math.Abs(plain - logits[r]) < 1e-9 * Math.Max(1, Math.Abs(logits[r])), $"record {r}: {plain} vs {logits[r]}");
        }
    }

    /// <summary>
    /// Gemm + trailing Sigmoid → logistic regression with the sigmoid polynomial (degree 63 on ± the declared bound), encrypted at
    /// N = 16384 on all 171 test records (two ciphertexts): probability within the polynomial's measured error + 10⁻⁴ of Python's σ(logit), same predictions on 100%.
    /// </summary>
    [Fact]
    public void EncryptedOnnxLogisticRegressionMatchesPython()
    {
        var cancer = f.Python.Cancer;
        var bound = cancer.GetProperty("logisticBound").GetDouble();
        var document = OnnxImporter.Import(f.Python.Onnx("logistic"), CancerOptions(cancer) with { ActivationLower = -bound, ActivationUpper = bound, ActivationDegree = 63 });
        Assert.Equal(ModelKinds.LogisticRegression, document.Kind);
        Assert.Equal("sigmoid", document.Layers[^1].Function);
        using var ckks = new SigmoidCkks();
        var model = new LinearModel(document, ckks.Slots);
        Assert.Equal("probability", model.OutputMeaning);
        var records = PythonModels.Matrix(cancer.GetProperty("x"));
        var proba = PythonModels.Vector(cancer.GetProperty("logisticProba"));
        var evaluation = ckks.WithSteps(model.RequiredSteps);
        var (agree, worst) = (0, 0.0);
        for (var start = 0; start < records.Length; start += model.RecordsPerCiphertext)
        {
            var batch = records.Skip(start).Take(model.RecordsPerCiphertext).ToArray();
            var outputs = model.Unpack(ckks.Decrypt(model.Evaluate(evaluation, ckks.Encrypt(model.Pack(batch)), batch.Length)), batch.Length);
            for (var b = 0; b < batch.Length; b++)
            {
                worst = Math.Max(worst, Math.Abs(outputs[b][0] - proba[start + b]));
                agree += (outputs[b][0] > 0.5) == (proba[start + b] > 0.5) ? 1 : 0;
            }
        }

        output.WriteLine($"ONNX logistic: max |encrypted − Python probability| = {worst:E2}, predictions agree {agree}/{records.Length}");
        Assert.True(worst < model.ApproximationError + 1e-4, $"probability error {worst}, approximation error {model.ApproximationError}");
        Assert.Equal(records.Length, agree);
    }

    /// <summary>
    /// MatMul/Add/Relu/Dropout → mlp with Relu replaced by smooth-ReLU x·σ(x) on ±2·(largest training pre-activation):
    /// the substituted network's predictions agree with Python's relu network on at least 95% of the test split (reported).
    /// </summary>
    [Fact]
    public void OnnxMlpReplacesReluBySmoothRelu()
    {
        var cancer = f.Python.Cancer;
        var bound = Math.Ceiling(2 * cancer.GetProperty("mlpHiddenMax").GetDouble());
        var document = OnnxImporter.Import(f.Python.Onnx("mlp"), CancerOptions(cancer) with { ActivationLower = -bound, ActivationUpper = bound, ActivationDegree = 63 });
        Assert.Equal(ModelKinds.Mlp, document.Kind);
        Assert.Equal(["dense", "activation", "dense"], document.Layers.Select(l => l.Type));
        Assert.Equal("smooth-relu", document.Layers[1].Function);
        var model = new MlpModel(document, 4096);
        var records = PythonModels.Matrix(cancer.GetProperty("x"));
        var logits = PythonModels.Vector(cancer.GetProperty("mlpLogit"));
        var agree = records.Select((r, i) => (model.EvaluatePlain(document.Input.Standardize(r))[0] > 0) == (logits[i] > 0)).Count(same => same);
        output.WriteLine($"ONNX mlp: smooth-ReLU network agrees with Python's relu network on {agree}/{records.Length}");
        Assert.True(agree >= 0.95 * records.Length, $"{agree}/{records.Length}");
    }

    [Theory]
    [InlineData("softmax_middle", "'Softmax' (node 'middle_softmax')")]
    [InlineData("conv_group2", "'Conv' (node 'grouped_conv'): Conv with group=2")]
    [InlineData("lstm", "Unsupported ONNX operator 'LSTM' (node 'lstm1')")]
    public void UnsupportedOperatorsAreNamed(string file, string message)
    {
        var features = file == "conv_group2" ? 2 * 784 : file == "lstm" ? 150 : 30;
        var error = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(f.Python.Onnx(file), new OnnxImportOptions { Features = [.. Enumerable.Range(0, features).Select(i => $"f{i}")] }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedAndMutatedBytesAreFormatErrors()
    {
        var onnx = f.Python.Onnx("cnn");
        var options = new OnnxImportOptions { Features = Pixels };
        for (var length = 0; length < onnx.Length; length += 7)
        {
            Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(onnx.AsSpan(0, length), options));
        }

        var random = new Random(11);
        var imported = 0;
        for (var trial = 0; trial < 400; trial++)
        {
            var mutated = (byte[])onnx.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            try
            {
                // Mutations inside weights or names still import; the rest must be clear format errors.
                OnnxImporter.Import(mutated, options);
                imported++;
            }
            catch (ModelFormatException)
            {
            }
        }

        output.WriteLine($"{imported}/400 mutated files still imported (mutations inside weights or names); the rest were ModelFormatException");
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(garbage, options));
    }

    private static OnnxImportOptions CancerOptions(System.Text.Json.JsonElement cancer) => new()
    {
        Features = [.. cancer.GetProperty("features").EnumerateArray().Select(e => e.GetString()!)],
        Mean = PythonModels.Vector(cancer.GetProperty("mean")),
        Scale = PythonModels.Vector(cancer.GetProperty("scale")),
    };

    private static int ArgMax(IReadOnlyList<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
