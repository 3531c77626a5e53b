using System.Diagnostics;
using HeCompute.Analytics.Models;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Models;

/// <summary>
/// A 30 → 8 → 1 MLP trained by sklearn (MLPClassifier, relu) on the breast-cancer data, exported with the relu replaced
/// by the smooth-ReLU approximation x·σ(x) (Chebyshev degree 63) on the declared interval ±2·max training
/// pre-activation. Encrypted (N = 16384, 9 levels of 35 bits) on the first 3 test records (one replicated record per
/// ciphertext): the logit within 10⁻³ of the plaintext computation of the same approximated network and the same
/// prediction. The approximated network's agreement with sklearn's relu network on the whole test set is reported and
/// asserted ≥ 95%.
/// </summary>
public sealed class MlpModelTests(ModelFixture f, ITestOutputHelper output) : IClassFixture<ModelFixture>
{
    private const int EncryptedRecords = 3;

    [Fact]
    public void EncryptedMlpMatchesThePlainApproximatedNetwork()
    {
        var model = new MlpModel(ModelDocument.Parse(f.Sklearn.ModelJson("mlp")), f.Deep.Slots);
        var context = f.Deep;
        Assert.Equal(9, model.Depth(context.Evaluation));
        var records = f.Sklearn.TestRecords("mlp");
        var predictions = f.Sklearn.Predictions("mlp");
        var plainAgree = 0;
        for (var r = 0; r < records.Length; r++)
        {
            var plain = model.EvaluatePlain(model.Document.Input.Standardize(records[r]))[0];
            plainAgree += (plain > 0 ? 1 : 0) == predictions[r] ? 1 : 0;
        }

        var evaluation = context.WithSteps(model.RequiredSteps);
        var used = new SortedSet<int>();
        evaluation.RotationObserver = step => used.Add(step);
        var worst = 0.0;
        var worstUnused = 0.0;
        var watch = new Stopwatch();
        for (var r = 0; r < EncryptedRecords; r++)
        {
            var ct = context.Encrypt(model.Pack([records[r]]));
            watch.Start();
            var result = model.Evaluate(evaluation, ct);
            watch.Stop();
            var slots = context.Decrypt(result);
            var plain = model.EvaluatePlain(model.Document.Input.Standardize(records[r]))[0];
            worst = Math.Max(worst, Math.Abs(slots[0] - plain));
            worstUnused = Math.Max(worstUnused, slots.Skip(1).Max(Math.Abs));
            Assert.Equal(plain > 0, slots[0] > 0);
        }

        Assert.Equal(model.RequiredSteps.Order(), used);
        output.WriteLine($"mlp d = {model.Dimension}, {model.Activations[0]} (error {model.Activations[0]!.MaxError:E2}), steps [{string.Join(", ", model.RequiredSteps)}]: max |encrypted − plain approximated| = {worst:E2}, unused ≤ {worstUnused:E2}, {watch.ElapsedMilliseconds / EncryptedRecords} ms per record; approximated network agrees with sklearn on {plainAgree}/{records.Length}");
        Assert.True(worst < 1e-3, $"error {worst}");
        Assert.True(worstUnused < 1e-4, $"unused {worstUnused}");
        Assert.True(plainAgree >= 0.95 * records.Length, $"{plainAgree}/{records.Length}");
    }
}
