using System.Text.Json;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Analytics.Tests.Models;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Planning;

/// <summary>The sklearn models (Wisconsin breast cancer, wine) the planner tests plan.</summary>
public sealed class PlannerFixture : IDisposable
{
    public SklearnModels Sklearn { get; } = new();

    public ModelDocument Document(string name) => ModelDocument.Parse(Sklearn.ModelJson(name));

    public void Dispose() => Sklearn.Dispose();
}

/// <summary>
/// Plans of real sklearn models: parameters the engine accepts at 128-bit security with the fewest primes, the key
/// list exactly what evaluation uses (evaluation with only the planned keys meets the plan's precision; one key less
/// fails), one prime less fails, sizes equal the engine's SaveSize, the document round-trips through the API's JSON.
/// </summary>
public sealed class ModelPlannerTests(PlannerFixture f, ITestOutputHelper output) : IClassFixture<PlannerFixture>
{
    public static TheoryData<string> Models => ["logistic", "logistic-probability", "svm", "regression", "multinomial", "mlp"];

    [Theory]
    [MemberData(nameof(Models))]
    public void ParametersPassTheEnginesSecurityCheckWithTheFewestPrimes(string name)
    {
        var plan = ModelPlanner.Plan(f.Document(name), new PlanOptions());
        var p = plan.Document.Parameters;
        output.WriteLine($"{name}: N = {p.PolyModulusDegree}, bits [{string.Join(", ", p.CoeffModulusBits)}], depth {plan.Document.Precision.Depth}, steps [{string.Join(", ", plan.Document.Keys.GaloisSteps)}], expected error {plan.Document.Precision.ExpectedMaxAbsError:E2}, keys {plan.Document.Sizes.GaloisKeysBytes} B vs all {plan.Document.Sizes.AllGaloisKeysBytes} B");

        var context = plan.Parameters;
        Assert.Equal(plan.Document.Precision.Depth + 2, p.CoeffModulus.Count);
        Assert.Equal(plan.Document.Precision.Depth, context.FirstLevel.ChainIndex);
        Assert.Equal(0, plan.Document.Precision.LevelsLeft);
        Assert.Equal(plan.Document.Precision.Depth, plan.Model.Depth(new EvaluationContext(context, plan.Scale)));
        Assert.True(p.CoeffModulusBits.Sum() <= CoeffModulus.MaxBitCount(p.PolyModulusDegree));
        Assert.Equal(p.CoeffModulus, plan.Parameters.Literal.CoefficientPrimes);
        Assert.Equal(p.CoeffModulus, CoeffModulus.Create(p.PolyModulusDegree, p.CoeffModulusBits));
        Assert.Equal(plan.Parameters.KeyParmsId.ToString(), p.ParmsId);
        Assert.Equal(Math.Pow(2, p.CoeffModulusBits[1]), p.Scale);

        // The CKKS part of the bound meets the target; the scale is the smallest that does (one bit less would not).
        var noise = plan.CircuitNoiseBound;
        Assert.True(noise <= Math.Pow(2, -20), $"noise bound {noise}");
        Assert.True(noise * 2 > Math.Pow(2, -20), $"noise bound {noise}: the scale is larger than needed");

        // The half ring degree cannot hold these primes (or the packing) at 128-bit security.
        var half = p.PolyModulusDegree / 2;
        Assert.True(p.CoeffModulusBits.Sum() > CoeffModulus.MaxBitCount(half) || plan.Model.RecordStride > half / 2 && plan.Model.RecordsPerCiphertext == 1);
    }

    [Fact]
    public void ABiggerModelGetsABiggerRingOnlyWhenTheBoundForcesIt()
    {
        var shallow = ModelPlanner.Plan(f.Document("logistic"), new PlanOptions());
        var deep = ModelPlanner.Plan(f.Document("logistic-probability"), new PlanOptions());
        var mlp = ModelPlanner.Plan(f.Document("mlp"), new PlanOptions());
        output.WriteLine($"logistic N = {shallow.Document.Parameters.PolyModulusDegree}, with sigmoid {deep.Document.Parameters.PolyModulusDegree}, mlp {mlp.Document.Parameters.PolyModulusDegree}");
        foreach (var plan in new[] { shallow, deep, mlp })
        {
            var n = plan.Document.Parameters.PolyModulusDegree;
            var bits = plan.Document.Parameters.CoeffModulusBits.Sum();
            Assert.True(bits <= CoeffModulus.MaxBitCount(n));
            if (n > shallow.Document.Parameters.PolyModulusDegree)
            {
                // Same N as the shallow model unless its own primes exceed the shallow model's ring's bound.
                Assert.True(bits > CoeffModulus.MaxBitCount(shallow.Document.Parameters.PolyModulusDegree), $"N = {n} with {bits} bits");
            }
        }

        Assert.True(deep.Document.Precision.Depth > shallow.Document.Precision.Depth);
        Assert.True(deep.Document.Parameters.PolyModulusDegree >= shallow.Document.Parameters.PolyModulusDegree);
    }

    /// <summary>The deep models at lower targets, so they plan N = 16384 and the test stays seconds, not minutes.</summary>
    [Theory]
    [InlineData("logistic", 20)]
    [InlineData("multinomial", 20)]
    [InlineData("logistic-probability", 10)]
    [InlineData("mlp", 4)]
    public void EvaluationWithOnlyThePlannedKeysMeetsThePlannedPrecision(string name, int precisionBits)
    {
        var plan = ModelPlanner.Plan(f.Document(name), new PlanOptions(precisionBits));
        var keys = plan.Document.Keys;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        Assert.Equal(keys.GaloisElements.Order(), (((EvaluationKeySet?)client.Evaluation.Keys)?.GaloisKeys?.GaloisElements ?? []).Order());
        var model = plan.Model;
        var records = f.Sklearn.TestRecords(name == "logistic-probability" ? "logistic" : name).Take(model.RecordsPerCiphertext).ToArray();
        var used = new SortedSet<int>();
        var evaluation = client.Evaluation.WithKeys(client.Evaluation.Keys);
        evaluation.RotationObserver = step => used.Add(step);
        var worst = 0.0;
        var batches = model.RecordsPerCiphertext == 1 ? records.Take(2).Select(r => new[] { r }).ToArray() : [records];
        foreach (var batch in batches)
        {
            var result = model.Evaluate(evaluation, client.Encrypt(model.Pack(batch)), batch.Length);
            Assert.Equal(plan.Document.Output.Level, evaluation.LevelOf(result));
            Assert.Equal(plan.Document.Output.Scale, result.Scale);
            var outputs = model.Unpack(client.Decrypt(result), batch.Length);
            for (var r = 0; r < batch.Length; r++)
            {
                var expected = model.EvaluatePlain(model.Document.Input.Standardize(batch[r]));
                for (var c = 0; c < expected.Length; c++)
                {
                    worst = Math.Max(worst, Math.Abs(outputs[r][c] - expected[c]));
                }
            }
        }

        output.WriteLine($"{name}: N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}], max |encrypted − plain| = {worst:E2}, plan's bound {plan.Document.Precision.ExpectedMaxAbsError:E2} (noise part {plan.CircuitNoiseBound:E2})");
        Assert.True(worst <= plan.Document.Precision.ExpectedMaxAbsError, $"error {worst} above the plan's {plan.Document.Precision.ExpectedMaxAbsError}");
        Assert.Equal(keys.GaloisSteps, used);
    }

    [Theory]
    [InlineData("logistic")]
    [InlineData("mlp")]
    public void RemovingOnePlannedGaloisKeyFailsClearly(string name)
    {
        var plan = ModelPlanner.Plan(f.Document(name), new PlanOptions(PrecisionBits: 4));
        var elements = plan.Document.Keys.GaloisElements;
        Assert.NotEmpty(elements);
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, plan.Document.Keys.RelinearizationKeys, [.. elements.Skip(1)]);
        var records = f.Sklearn.TestRecords(name).Take(plan.Model.RecordsPerCiphertext).ToArray();
        var input = client.Encrypt(plan.Model.Pack(records));
        var error = Assert.Throws<MissingKeyException>(() => plan.Model.Evaluate(client.Evaluation, input, records.Length));
        Assert.Contains(elements[0].ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneDataPrimeLessIsInsufficient()
    {
        var plan = ModelPlanner.Plan(f.Document("logistic"), new PlanOptions());
        var bits = plan.Document.Parameters.CoeffModulusBits.ToList();
        bits.RemoveAt(1);
        var n = plan.Document.Parameters.PolyModulusDegree;
        var fewer = new ParametersLiteral(n, CoeffModulus.Create(n, bits));
        using var client = new PlannedKeys(fewer, plan.Scale, false, []);
        var records = f.Sklearn.TestRecords("logistic").Take(4).ToArray();
        var input = client.Encrypt(plan.Model.Pack(records));
        Assert.Throws<InsufficientLevelsException>(() => plan.Model.Evaluate(client.Evaluation, input, records.Length));
    }

    [Fact]
    public void SizesEqualTheEnginesSaveSize()
    {
        // A small model at a low target plans a small ring, where real keys are quick to make.
        var document = f.Document("logistic") with { };
        var plan = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 4));
        var sizes = plan.Document.Sizes;
        var keys = plan.Document.Keys;
        output.WriteLine($"N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}]: {JsonSerializer.Serialize(sizes)}");
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, false, []);
        var slots = plan.Model.Pack(f.Sklearn.TestRecords("logistic").Take(3).ToArray());
        var seeded = client.Encryptor.EncryptSymmetric(client.Evaluation.EncodeVector(slots, client.Evaluation.TopLevel, plan.Scale));
        Assert.Equal(sizes.InputCiphertextBytes, seeded.SaveSize(CompressionMode.None));
        Assert.Equal(sizes.InputCiphertextBytes, Saved(seeded.Save));

        var output0 = new Ciphertext();
        client.Evaluation.Evaluator.ModSwitchTo(client.Encrypt(slots), client.Evaluation.ParmsIdAt(plan.Document.Output.Level), output0);
        Assert.Equal(sizes.OutputCiphertextBytes, output0.SaveSize(CompressionMode.None));
        Assert.Equal(sizes.PublicKeyBytes, client.PublicKey.SaveSize(CompressionMode.None));
        Assert.Equal(sizes.PublicKeyBytes, Saved(client.PublicKey.Save));
        var relin = client.Keygen.CreateSeededRelinKeys();
        Assert.Equal(SealSizes.RelinKeys(plan.Document.Parameters.PolyModulusDegree, plan.Document.Parameters.CoeffModulus.Count), relin.SaveSize(CompressionMode.None));
        Assert.Equal(relin.SaveSize(CompressionMode.None), Saved(relin.Save));

        Assert.Equal(0, sizes.RelinKeysBytes);
        var galois = client.Keygen.CreateSeededGaloisKeys(keys.GaloisElements);
        Assert.Equal(sizes.GaloisKeysBytes, galois.SaveSize(CompressionMode.None));
        Assert.Equal(sizes.GaloisKeysBytes, Saved(galois.Save));
        var all = client.Keygen.CreateSeededGaloisKeys(GaloisElements.Default(plan.Document.Parameters.PolyModulusDegree));
        Assert.Equal(sizes.AllGaloisKeysBytes, all.SaveSize(CompressionMode.None));

        Assert.True(sizes.GaloisKeysBytes < sizes.AllGaloisKeysBytes);
    }

    [Fact]
    public void GaloisElementsAreTheEnginesForTheSteps()
    {
        // The multinomial model rotates both ways (outputs placed by −1, −2), the mlp by steps up to 24.
        foreach (var (name, bits) in new[] { ("multinomial", 20), ("mlp", 4) })
        {
            var plan = ModelPlanner.Plan(f.Document(name), new PlanOptions(bits));
            using var client = new PlannedKeys(plan.Parameters, plan.Scale, false, []);
            var fromSteps = client.Keygen.CreateGaloisKeys(plan.Document.Keys.GaloisSteps.ToArray());
            Assert.Equal(fromSteps.GaloisElements.Order(), plan.Document.Keys.GaloisElements.Order());
            Assert.Equal(plan.Document.Keys.GaloisSteps.Count, plan.Document.Keys.GaloisElements.Count);
        }

        // SEAL's default set at N = 8192: conjugation and ±1, ±2, …, ±2048, where +2048 and −2048 coincide.
        Assert.Equal(24, GaloisElements.DefaultKeyCount(8192));
        Assert.Equal([3u, 9u, 81u, 6561u], [GaloisElements.FromStep(1, 8192), GaloisElements.FromStep(2, 8192), GaloisElements.FromStep(4, 8192), GaloisElements.FromStep(8, 8192)]);
    }

    [Fact]
    public void PlanJsonRoundTripsThroughTheApiOptions()
    {
        var plan = ModelPlanner.Plan(f.Document("multinomial"), new PlanOptions());
        var json = JsonSerializer.Serialize(plan.Document, HeComputeJson.Options);
        var back = JsonSerializer.Deserialize<PlanDocument>(json, HeComputeJson.Options)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, HeComputeJson.Options));
        Assert.Contains("\"galois_elements\"", json, StringComparison.Ordinal);
        Assert.Equal("hecompute-plan", back.Format);
        Assert.Equal(plan.Document.Keys.GaloisSteps, back.Keys.GaloisSteps);
        Assert.Equal(plan.Document.Parameters.CoeffModulus, back.Parameters.CoeffModulus);
        var parameters = ParametersLiteral.Load(new MemoryStream(Convert.FromBase64String(back.Parameters.SealParameters)));
        Assert.Equal(plan.Parameters.Literal, parameters);
        Assert.Equal(["class_0", "class_1", "class_2"], back.Output.Names);
        Assert.Equal("logits", back.Output.Meaning);
    }

    [Fact]
    public void InvalidModelsAreModelFormatErrorsAndUnplannableOnesPlanningErrors()
    {
        var logistic = f.Document("logistic");
        Assert.Throws<ModelFormatException>(() => ModelPlanner.Plan(logistic with { Kind = "cnn" }, new PlanOptions()));
        Assert.Throws<ModelFormatException>(() => ModelPlanner.Compile(logistic with { Kind = "cnn" }, 4096));
        Assert.Throws<ModelFormatException>(() => ModelPlanner.Plan(logistic, new PlanOptions(PrecisionBits: 0)));
        Assert.Throws<ModelPlanningException>(() => ModelPlanner.Plan(logistic, new PlanOptions(PrecisionBits: 45)));

        // Twelve degree-63 activations: far deeper than N = 32768 allows at 128 bits.
        var mlp = f.Document("mlp");
        var width = mlp.Layers[0].Weights!.Count;
        var identity = Enumerable.Range(0, width).Select(i => (IReadOnlyList<double>)[.. Enumerable.Range(0, width).Select(j => i == j ? 0.5 : 0.0)]).ToArray();
        var layers = new List<LayerDocument> { mlp.Layers[0], mlp.Layers[1] };
        for (var i = 0; i < 12; i++)
        {
            layers.Add(new LayerDocument { Type = "dense", Weights = identity });
            layers.Add(mlp.Layers[1]);
        }

        layers.Add(mlp.Layers[2]);
        var deep = mlp with { Layers = layers };
        deep.Validate();
        var error = Assert.Throws<ModelPlanningException>(() => ModelPlanner.Plan(deep, new PlanOptions()));
        Assert.Contains("too deep", error.Message, StringComparison.Ordinal);
    }

    private static long Saved(Func<Stream, CompressionMode?, long> save)
    {
        using var stream = new MemoryStream();
        var written = save(stream, CompressionMode.None);
        Assert.Equal(stream.Length, written);
        return written;
    }
}
