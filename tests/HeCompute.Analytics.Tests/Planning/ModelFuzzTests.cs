using System.Globalization;
using System.Text.Json.Nodes;
using HeCompute.Analytics.Onnx;
using HeCompute.Analytics.Planning;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Planning;

/// <summary>Small ONNX seeds written by Debian's python3-onnx: a 1×8×8 CNN, a logistic regression and a relu MLP.</summary>
public sealed class OnnxSeeds : IDisposable
{
    private const string Script = """
import os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
out = sys.argv[1]
rng = np.random.default_rng(7)
def f32(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)
def save(nodes, inits, inp, outp, name):
    graph = helper.make_graph(nodes, name, [inp], [outp], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())
Y = lambda n, k: helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", k])
save([helper.make_node("Conv", ["image", "K", "b"], ["z"], name="conv", kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1]),
      helper.make_node("Mul", ["z", "z"], ["a"], name="square"),
      helper.make_node("AveragePool", ["a"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
      helper.make_node("Gemm", ["f", "W", "c"], ["logits"], name="dense", transB=1),
      helper.make_node("Softmax", ["logits"], ["prob"], name="softmax", axis=1)],
     [f32("K", rng.normal(0, 0.3, (2, 1, 3, 3))), f32("b", [0.1, -0.1]), f32("W", rng.normal(0, 0.3, (2, 32))), f32("c", [0, 0.2])],
     helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 8, 8]), Y("prob", 2), "cnn")
X = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])
save([helper.make_node("Gemm", ["x", "w", "b"], ["logit"], name="linear", transB=1),
      helper.make_node("Sigmoid", ["logit"], ["p"], name="sigmoid")], [f32("w", rng.normal(0, 1, (1, 4))), f32("b", [0.5])], X, Y("p", 1), "logistic")
save([helper.make_node("MatMul", ["x", "W1"], ["h"], name="fc1"), helper.make_node("Add", ["h", "b1"], ["hb"], name="fc1_bias"),
      helper.make_node("Relu", ["hb"], ["r"], name="relu"),
      helper.make_node("MatMul", ["r", "W2"], ["o"], name="fc2"), helper.make_node("Add", ["o", "b2"], ["logit"], name="fc2_bias")],
     [f32("W1", rng.normal(0, 0.5, (4, 3))), f32("b1", [0.1, 0, -0.1]), f32("W2", rng.normal(0, 0.5, (3, 1))), f32("b2", [0.0])], X, Y("logit", 1), "mlp")
print("seeds written")
""";

    private readonly TempDirectory _folder = new();

    public OnnxSeeds()
    {
        DebianPython.Run(Script, "python3-numpy and python3-onnx", [_folder.Path]);
        Models = [.. new[] { "cnn", "logistic", "mlp" }.Select(name => (name, File.ReadAllBytes(Path.Combine(_folder.Path, name + ".onnx"))))];
    }

    /// <summary>Name and bytes of each seed.</summary>
    public IReadOnlyList<(string Name, byte[] Bytes)> Models { get; }

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// The model JSON reader, the ONNX importer and the planner fuzzed together: valid documents (an MLP with a sigmoid,
/// a logistic regression with its probability, two 1×8×8 CNNs, and the ONNX seeds) mutated by a seeded generator —
/// numbers, degrees, intervals, shapes, layer order, types, truncation, non-finite values, bytes of the ONNX file and
/// its import options — and every mutant read and planned (without and with widening). Every outcome must be a plan
/// or one of the refusals the server answers with a specific 4xx problem (<see cref="ModelFormatException"/>,
/// <see cref="ModelPlanningException"/>, <see cref="ActivationIntervalException"/>; their mapping is checked by the
/// server's ModelRefusalTests). Bounded by a fixed number of mutants and an allocation budget, not by time.
/// </summary>
public sealed class ModelFuzzTests(OnnxSeeds seeds, ITestOutputHelper output) : IClassFixture<OnnxSeeds>
{
    private const int JsonMutants = 1000;
    private const int OnnxMutants = 1000;

    /// <summary>Bytes the whole run may allocate; a mutant past it ends the run (the count of mutants tried is asserted).</summary>
    private const long AllocationBudget = 24L << 30;

    private static readonly double[] Numbers = [0, -1, 1, 0.5, 1e-9, -1e-9, 3.5, 1e6, -1e6, 1e12, -1e12, 1e13, 2147483648, 65537, 255, 256, 1e-300];

    private static readonly string[] Tokens = ["1e999", "-1e999", "NaN", "null", "\"7\"", "[]", "{}", "true", "1.5", "-0"];

    [Fact]
    public void MutatedJsonDocumentsArePlannedOrRefusedWithASpecificError()
    {
        var random = new Random(20261204);
        var seedDocuments = JsonSeeds();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var start = GC.GetAllocatedBytesForCurrentThread();
        var tried = 0;
        for (; tried < JsonMutants && GC.GetAllocatedBytesForCurrentThread() - start < AllocationBudget; tried++)
        {
            var seed = seedDocuments[random.Next(seedDocuments.Length)];
            var (json, mutations) = MutateJson(seed, random);
            var widen = random.Next(2) == 1;
            Check(outcomes, failures, $"json #{tried} ({string.Join("; ", mutations)}), widen {widen}", () => Plan(ModelDocument.Parse(json), widen));
        }

        Report(outcomes, failures, tried, start);
        Assert.Equal(JsonMutants, tried);
        Assert.Empty(failures);
    }

    [Fact]
    public void MutatedOnnxFilesAndOptionsArePlannedOrRefusedWithASpecificError()
    {
        var random = new Random(4122026);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var start = GC.GetAllocatedBytesForCurrentThread();
        var tried = 0;
        for (; tried < OnnxMutants && GC.GetAllocatedBytesForCurrentThread() - start < AllocationBudget; tried++)
        {
            var (name, bytes) = seeds.Models[random.Next(seeds.Models.Count)];
            var (mutant, mutations) = MutateBytes(bytes, random);
            var options = Options(name, random, mutations);
            var widen = random.Next(2) == 1;
            Check(outcomes, failures, $"onnx {name} #{tried} ({string.Join("; ", mutations)}), widen {widen}", () => Plan(OnnxImporter.Import(mutant, options), widen));
        }

        Report(outcomes, failures, tried, start);
        Assert.Equal(OnnxMutants, tried);
        Assert.Empty(failures);
    }

    private static string Plan(ModelDocument document, bool widen)
    {
        var plan = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 8, WidenIntervals: widen));
        return plan.Document.WidenedIntervals is null ? "planned" : "planned (widened)";
    }

    private static void Check(SortedDictionary<string, int> outcomes, List<string> failures, string what, Func<string> run)
    {
        string outcome;
        try
        {
            outcome = run();
        }
        catch (Exception e) when (e is ModelFormatException or ModelPlanningException or ActivationIntervalException)
        {
            outcome = e.GetType().Name;
        }
        catch (Exception e)
        {
            outcome = "unexpected " + e.GetType().Name;
            failures.Add($"{what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }

        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
    }

    private void Report(SortedDictionary<string, int> outcomes, List<string> failures, int tried, long start)
    {
        output.WriteLine($"{tried} mutants, {(GC.GetAllocatedBytesForCurrentThread() - start) / 1e9:F2} GB allocated: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
        foreach (var failure in failures.Take(10))
        {
            output.WriteLine(failure);
        }
    }

    private static JsonNode[] JsonSeeds()
    {
        var mlp = ActivationIntervalTests.NarrowSigmoid();
        var wide = mlp with { Layers = [mlp.Layers[0], mlp.Layers[1] with { Lower = -4, Upper = 4 }, mlp.Layers[2]] };
        var logistic = new ModelDocument
        {
            Kind = ModelKinds.LogisticRegression,
            Input = new InputSchema { Features = ["a", "b", "c"], Lower = [0, 0, 0], Upper = [10, 5, 1], Mean = [5, 2.5, 0.5], Scale = [2, 1, 0.25] },
            Layers =
            [
                new LayerDocument { Type = "dense", Weights = [[0.8, -0.4, 0.3]], Bias = [0.1] },
                new LayerDocument { Type = "activation", Function = "sigmoid", Lower = -8, Upper = 8, Degree = 15 },
            ],
        };
        IReadOnlyList<string> pixels = [.. Enumerable.Range(0, 64).Select(i => $"p{i}")];
        double[] Kernel(int n, double scale) => [.. Enumerable.Range(0, n).Select(i => Math.Sin(i + 1) * scale)];
        var squareCnn = new ModelDocument
        {
            Kind = ModelKinds.Cnn,
            Input = new InputSchema { Features = pixels, Shape = [1, 8, 8], Lower = [.. Enumerable.Repeat(0.0, 64)], Upper = [.. Enumerable.Repeat(1.0, 64)] },
            Layers =
            [
                new LayerDocument { Type = "conv2d", KernelShape = [2, 1, 3, 3], Kernel = Kernel(18, 0.3), Bias = [0.1, -0.1], Stride = [1, 1], Padding = [1, 1] },
                new LayerDocument { Type = "activation", Function = "square" },
                new LayerDocument { Type = "avgpool", Kernel = [2, 2], Stride = [2, 2] },
                new LayerDocument { Type = "flatten" },
                new LayerDocument { Type = "dense", Weights = [Kernel(32, 0.2), Kernel(32, -0.1)], Bias = [0, 0.5] },
            ],
        };
        var sigmoidCnn = squareCnn with
        {
            Layers = [squareCnn.Layers[0], new LayerDocument { Type = "activation", Function = "smooth-relu", Lower = -3, Upper = 3, Degree = 7 }, .. squareCnn.Layers.Skip(2)],
        };
        return [.. new[] { mlp, wide, logistic, squareCnn, sigmoidCnn }.Select(d => JsonNode.Parse(d.ToJson())!)];
    }

    private static (string Json, List<string> Mutations) MutateJson(JsonNode seed, Random random)
    {
        var node = seed.DeepClone();
        var mutations = new List<string>();
        string? token = null;
        var count = 1 + random.Next(2);
        for (var m = 0; m < count; m++)
        {
            var layers = node["layers"]!.AsArray();
            switch (random.Next(9))
            {
                case 0:
                    var numbers = Leaves(node).Where(l => l.GetValueKind() == System.Text.Json.JsonValueKind.Number).ToList();
                    var number = numbers[random.Next(numbers.Count)];
                    var value = random.Next(3) == 0 ? number.GetValue<double>() * Numbers[random.Next(Numbers.Length)] : Numbers[random.Next(Numbers.Length)];
                    mutations.Add($"{number.GetPath()} = {value.ToString("R", CultureInfo.InvariantCulture)}");
                    number.ReplaceWith(value);
                    break;
                case 1:
                    var activations = layers.Where(l => (string?)l!["type"] == "activation").ToList();
                    if (activations.Count > 0)
                    {
                        int[] degrees = [-1, 0, 1, 2, 3, 7, 15, 16, 31, 63, 64, 127, 255, 256];
                        var degree = degrees[random.Next(degrees.Length)];
                        var layer = activations[random.Next(activations.Count)]!;
                        layer["degree"] = degree;
                        mutations.Add($"{layer.GetPath()}.degree = {degree}");
                    }

                    break;
                case 2:
                    var target = layers[random.Next(layers.Count)]!;
                    (double Lower, double Upper)[] intervals = [(1, -1), (0, 0), (-1e-9, 1e-9), (-1e-12, 1e12), (0.5, 2), (-2, -0.5), (-1e12, 1e12), (-0.01, 0.01), (-100, 100)];
                    var (lower, upper) = intervals[random.Next(intervals.Length)];
                    target["lower"] = lower;
                    target["upper"] = upper;
                    target["function"] ??= random.Next(4) switch { 0 => "sigmoid", 1 => "smooth-relu", 2 => "square", _ => "tanh" };
                    mutations.Add($"{target.GetPath()} interval [{lower}, {upper}]");
                    break;
                case 3:
                    var shapes = Leaves(node).Where(l => l.Parent is JsonArray && l.Parent.GetPath() is var p && (p.EndsWith("shape", StringComparison.Ordinal) || p.EndsWith("kernelShape", StringComparison.Ordinal) || p.EndsWith("stride", StringComparison.Ordinal) || p.EndsWith("padding", StringComparison.Ordinal) || p.EndsWith("kernel", StringComparison.Ordinal))).ToList();
                    if (shapes.Count > 0)
                    {
                        int[] sizes = [0, 1, 2, 3, 4, 7, 8, 9, 16, 64, 65536, -1];
                        var entry = shapes[random.Next(shapes.Count)];
                        var size = sizes[random.Next(sizes.Length)];
                        mutations.Add($"{entry.GetPath()} = {size}");
                        entry.ReplaceWith(size);
                    }

                    break;
                case 4:
                    var (i, j) = (random.Next(layers.Count), random.Next(layers.Count));
                    var moved = layers[i]!;
                    layers.RemoveAt(i);
                    layers.Insert(Math.Min(j, layers.Count), moved);
                    mutations.Add($"layer {i} moved to {j}");
                    break;
                case 5:
                    var k = random.Next(layers.Count);
                    if (random.Next(2) == 0)
                    {
                        layers.RemoveAt(k);
                        mutations.Add($"layer {k} removed");
                    }
                    else
                    {
                        layers.Insert(k, layers[k]!.DeepClone());
                        mutations.Add($"layer {k} duplicated");
                    }

                    break;
                case 6:
                    var leaves = Leaves(node).ToList();
                    var leaf = leaves[random.Next(leaves.Count)];
                    token = Tokens[random.Next(Tokens.Length)];
                    mutations.Add($"{leaf.GetPath()} = {token}");
                    leaf.ReplaceWith("\u0001token\u0001");
                    break;
                case 7:
                    string[] kinds = ["mlp", "cnn", "logistic-regression", "linear-regression", "multinomial-logistic", "linear-svm", "tree"];
                    node["kind"] = kinds[random.Next(kinds.Length)];
                    mutations.Add($"kind = {node["kind"]}");
                    break;
                default:
                    var input = node["input"]!.AsObject();
                    string[] fields = ["lower", "upper", "mean", "scale", "shape", "features"];
                    var field = fields[random.Next(fields.Length)];
                    if (random.Next(2) == 0)
                    {
                        input.Remove(field);
                        mutations.Add($"input.{field} removed");
                    }
                    else if (input[field] is JsonArray array && array.Count > 0)
                    {
                        array.RemoveAt(random.Next(array.Count));
                        mutations.Add($"input.{field} one entry shorter");
                    }

                    break;
            }
        }

        var json = node.ToJsonString();
        if (token is not null)
        {
            json = json.Replace("\"\\u0001token\\u0001\"", token, StringComparison.Ordinal);
        }

        if (random.Next(8) == 0)
        {
            var cut = random.Next(json.Length);
            mutations.Add($"truncated at {cut} of {json.Length}");
            json = json[..cut];
        }

        return (json, mutations);
    }

    private static IEnumerable<JsonValue> Leaves(JsonNode node) => node switch
    {
        JsonValue value => [value],
        JsonArray array => array.Where(n => n is not null).SelectMany(n => Leaves(n!)),
        JsonObject obj => obj.Where(p => p.Value is not null).SelectMany(p => Leaves(p.Value!)),
        _ => [],
    };

    private static (byte[] Bytes, List<string> Mutations) MutateBytes(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        var mutations = new List<string>();
        var count = random.Next(4);
        for (var m = 0; m < count && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    var flipped = (byte)(bytes[at] ^ (1 << random.Next(8)));
                    mutations.Add($"byte {at} {bytes[at]:x2} → {flipped:x2}");
                    bytes[at] = flipped;
                    break;
                case 1:
                    byte[] special = [0x00, 0x7f, 0x80, 0xff, 0x08, 0x12, 0x1a, 0x22];
                    bytes[at] = special[random.Next(special.Length)];
                    mutations.Add($"byte {at} = {bytes[at]:x2}");
                    break;
                case 2:
                    mutations.Add($"truncated at {at} of {bytes.Count}");
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    var length = Math.Min(1 + random.Next(16), bytes.Count - at);
                    mutations.Add($"{length} bytes at {at} removed");
                    bytes.RemoveRange(at, length);
                    break;
                default:
                    var copy = bytes.GetRange(at, Math.Min(1 + random.Next(32), bytes.Count - at));
                    var to = random.Next(bytes.Count);
                    bytes.InsertRange(to, copy);
                    mutations.Add($"{copy.Count} bytes from {at} copied to {to}");
                    break;
            }
        }

        return ([.. bytes], mutations);
    }

    private static OnnxImportOptions Options(string name, Random random, List<string> mutations)
    {
        var features = name == "cnn" ? 64 : 4;
        var options = new OnnxImportOptions
        {
            Features = [.. Enumerable.Range(0, features).Select(i => $"f{i}")],
            Lower = [.. Enumerable.Repeat(name == "cnn" ? 0.0 : -2.0, features)],
            Upper = [.. Enumerable.Repeat(name == "cnn" ? 1.0 : 2.0, features)],
            ActivationLower = -8,
            ActivationUpper = 8,
            ActivationDegree = 15,
        };
        switch (random.Next(6))
        {
            case 0:
                var (lower, upper) = (Numbers[random.Next(Numbers.Length)], Numbers[random.Next(Numbers.Length)]);
                mutations.Add($"activation interval [{lower}, {upper}]");
                return options with { ActivationLower = lower, ActivationUpper = upper };
            case 1:
                int[] degrees = [-1, 0, 1, 7, 31, 63, 255, 256];
                var degree = degrees[random.Next(degrees.Length)];
                mutations.Add($"activation degree {degree}");
                return options with { ActivationDegree = degree };
            case 2:
                var bound = Numbers[random.Next(Numbers.Length)];
                mutations.Add($"input bounds ±{bound}");
                return options with { Lower = [.. Enumerable.Repeat(-bound, features)], Upper = [.. Enumerable.Repeat(bound, features)] };
            case 3:
                var count = random.Next(1, 2 * features);
                mutations.Add($"{count} features");
                return options with { Features = [.. Enumerable.Range(0, count).Select(i => $"f{i}")] };
            case 4:
                IReadOnlyList<int>[] shapes = [[1, 8, 8], [2, 4, 8], [64], [1, 1, 64], [0, 8, 8], [1, 8]];
                var shape = shapes[random.Next(shapes.Length)];
                mutations.Add($"input shape [{string.Join(", ", shape)}]");
                return options with { InputShape = shape };
            default:
                return options;
        }
    }
}
