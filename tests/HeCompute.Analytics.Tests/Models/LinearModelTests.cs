using System.Diagnostics;
using HeCompute.Analytics.Models;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Models;

/// <summary>
/// N = 16384, primes {50, 35 × 9, 50} (415 of 438 bits), Δ = 2^35: nine levels, for the logistic probability
/// (dense + mask at the sigmoid's input scale + degree-63 sigmoid + output mask).
/// </summary>
public sealed class SigmoidCkks() : CkksTestContext(16384, [50, 35, 35, 35, 35, 35, 35, 35, 35, 35, 50], Math.Pow(2, 35));

/// <summary>Shared by the model tests: the sklearn models and both CKKS contexts.</summary>
public sealed class ModelFixture : IDisposable
{
    public SklearnModels Sklearn { get; } = new();

    public ShallowCkks Shallow { get; } = new();

    public SigmoidCkks Deep { get; } = new();

    public void Dispose()
    {
        Sklearn.Dispose();
        Shallow.Dispose();
        Deep.Dispose();
    }
}

/// <summary>
/// Linear models trained by Debian's scikit-learn on the Wisconsin breast-cancer data (30 features, 171 test records,
/// two ciphertexts of 128 records) and on the wine data (13 features, 3 classes), exported to our JSON, evaluated
/// encrypted with Galois keys for exactly the model's <c>RequiredSteps</c>, decrypted on the test's client side.
/// Asserted: every output within 10⁻³ of sklearn's decision value (measured ≈ 10⁻⁶), predictions equal sklearn's on
/// 100% of the test set, unused slots zero (below 10⁻⁶).
/// </summary>
public sealed class LinearModelTests(ModelFixture f, ITestOutputHelper output) : IClassFixture<ModelFixture>
{
    private const double LogitBound = 1e-3;

    [Theory]
    [InlineData("logistic")]
    [InlineData("svm")]
    [InlineData("regression")]
    [InlineData("multinomial")]
    public void EncryptedOutputsMatchSklearn(string name)
    {
        var model = new LinearModel(ModelDocument.Parse(f.Sklearn.ModelJson(name)), f.Shallow.Slots);
        var records = f.Sklearn.TestRecords(name);
        var (outputs, worstUnused, milliseconds) = Run(f.Shallow, model, records);
        var expected = f.Sklearn.Decisions(name);
        Assert.Equal(expected.Length, outputs.Length);
        var worst = 0.0;
        var agree = 0;
        var predictions = name == "regression" ? null : f.Sklearn.Predictions(name);
        for (var r = 0; r < expected.Length; r++)
        {
            for (var c = 0; c < model.Outputs; c++)
            {
                worst = Math.Max(worst, Math.Abs(outputs[r][c] - expected[r][c]));
            }

            if (predictions is not null)
            {
                var predicted = model.Outputs == 1 ? (outputs[r][0] > 0 ? 1 : 0) : Array.IndexOf(outputs[r], outputs[r].Max());
                agree += predicted == predictions[r] ? 1 : 0;
            }
        }

        output.WriteLine($"{name}: {expected.Length} records, {model.Features} features, w = {model.BlockWidth}, {model.RecordsPerCiphertext} records/ciphertext, steps [{string.Join(", ", model.RequiredSteps)}], max |encrypted − sklearn| = {worst:E2}, unused slots ≤ {worstUnused:E2}, {milliseconds} ms for {(records.Length + model.RecordsPerCiphertext - 1) / model.RecordsPerCiphertext} ciphertext(s), predictions agree {agree}/{expected.Length}");
        Assert.True(worst < LogitBound, $"max error {worst}");
        Assert.True(worstUnused < 1e-6, $"unused slot {worstUnused}");
        if (predictions is not null)
        {
            Assert.Equal(expected.Length, agree);
        }
    }

    [Fact]
    public void EncryptedProbabilityMatchesThePlainCircuitAndSklearn()
    {
        var model = new LinearModel(ModelDocument.Parse(f.Sklearn.ModelJson("logistic-probability")), f.Deep.Slots);
        Assert.NotNull(model.Sigmoid);
        Assert.Equal(9, model.Depth(f.Deep.Evaluation));
        var records = f.Sklearn.TestRecords("logistic");
        var (outputs, worstUnused, milliseconds) = Run(f.Deep, model, records);
        var proba = f.Sklearn.Vector("logistic", "proba");
        var predictions = f.Sklearn.Predictions("logistic");
        var toCircuit = 0.0;
        var toSklearn = 0.0;
        var agree = 0;
        for (var r = 0; r < records.Length; r++)
        {
            var plain = model.EvaluatePlain(model.Document.Input.Standardize(records[r]))[0];
            toCircuit = Math.Max(toCircuit, Math.Abs(outputs[r][0] - plain));
            toSklearn = Math.Max(toSklearn, Math.Abs(outputs[r][0] - proba[r]));
            agree += (outputs[r][0] > 0.5 ? 1 : 0) == predictions[r] ? 1 : 0;
        }

        output.WriteLine($"{model.Sigmoid}: approximation error {model.Sigmoid!.MaxError:E2}; max |encrypted − plain circuit| = {toCircuit:E2}, max |encrypted − sklearn proba| = {toSklearn:E2}, unused ≤ {worstUnused:E2}, {milliseconds} ms for {(records.Length + model.RecordsPerCiphertext - 1) / model.RecordsPerCiphertext} ciphertext(s), predictions agree {agree}/{records.Length}");
        Assert.True(toCircuit < 1e-4, $"CKKS error {toCircuit}");
        Assert.True(toSklearn <= model.Sigmoid.MaxError + 1e-4, $"error {toSklearn}");
        Assert.True(worstUnused < 1e-4, $"unused slot {worstUnused}");
        Assert.Equal(records.Length, agree);
    }

    [Fact]
    public void InvalidDocumentsAreClearErrors()
    {
        var json = f.Sklearn.ModelJson("svm");
        Assert.Contains("version 2", Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(json.Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal).Replace("\"formatVersion\":1", "\"formatVersion\":2", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("conv", Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(json.Replace("\"dense\"", "\"conv\"", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        var document = ModelDocument.Parse(json);
        Assert.Equal(document.ToJson(), ModelDocument.Parse(document.ToJson()).ToJson());
    }

    private static (double[][] Outputs, double WorstUnused, long Milliseconds) Run(CkksTestContext context, LinearModel model, double[][] records)
    {
        var outputs = new List<double[]>();
        var worstUnused = 0.0;
        var evaluation = context.WithSteps(model.RequiredSteps);
        var used = new SortedSet<int>();
        evaluation.RotationObserver = step => used.Add(step);
        var watch = new Stopwatch();
        for (var start = 0; start < records.Length; start += model.RecordsPerCiphertext)
        {
            var chunk = records.Skip(start).Take(model.RecordsPerCiphertext).Select(r => (IReadOnlyList<double>)r).ToArray();
            var ct = context.Encrypt(model.Pack(chunk));
            watch.Start();
            var result = model.Evaluate(evaluation, ct, chunk.Length);
            watch.Stop();
            var slots = context.Decrypt(result);
            outputs.AddRange(model.Unpack(slots, chunk.Length));
            for (var j = 0; j < slots.Length; j++)
            {
                var inUse = j / model.BlockWidth < chunk.Length && j % model.BlockWidth < model.Outputs;
                worstUnused = inUse ? worstUnused : Math.Max(worstUnused, Math.Abs(slots[j]));
            }
        }

        Assert.Equal(model.RequiredSteps.Order(), used);
        return ([.. outputs], worstUnused, watch.ElapsedMilliseconds);
    }
}
