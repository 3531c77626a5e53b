using System.Globalization;
using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// An ONNX model written by Debian's python3-onnx (<c>/usr/bin/python3</c>): sklearn's logistic regression on the
/// breast-cancer data as one Gemm giving the logit, registered with the CLI, predicted under encryption, equal to
/// sklearn's <c>decision_function</c> within the plan's bound.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class OnnxWorkflowTests(ServerFixture server) : IDisposable
{
    private const string Script = """
import json, sys
import numpy as np
from onnx import helper, numpy_helper, TensorProto
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
out = sys.argv[1]
bc = load_breast_cancer()
Xtr, Xte, ytr, yte = train_test_split(bc.data, bc.target, test_size=0.3, random_state=7, stratify=bc.target)
sc = StandardScaler().fit(Xtr)
lr = LogisticRegression(C=0.5, max_iter=5000).fit(sc.transform(Xtr), ytr)
f32 = lambda name, a: numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 30])
p = helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["N", 1])
graph = helper.make_graph([helper.make_node("Gemm", ["x", "w", "b"], ["logit"], name="linear", transB=1)], "breast_cancer", [x], [p],
    [f32("w", lr.coef_), f32("b", lr.intercept_)])
open(out + "/model.onnx", "wb").write(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())
features = [n.replace(" ", "_") for n in bc.feature_names]
json.dump({"name": "breast cancer (onnx)", "features": features, "kind": "logistic-regression", "mean": sc.mean_.tolist(), "scale": sc.scale_.tolist(),
    "lower": bc.data.min(0).tolist(), "upper": bc.data.max(0).tolist(), "outputs": ["benign"]}, open(out + "/options.json", "w"))
with open(out + "/records.csv", "w") as f:
    f.write(",".join(features) + "\n")
    for row in Xte[:16]:
        f.write(",".join(repr(float(v)) for v in row) + "\n")
json.dump({"logit": lr.decision_function(sc.transform(Xte[:16])).tolist(), "class": lr.predict(sc.transform(Xte[:16])).tolist()}, sys.stdout)
""";

    private readonly TempDirectory _work = new();

    [Fact]
    public async Task AnOnnxLogisticRegressionPredictsLikeSklearn()
    {
        Directory.CreateDirectory(_work.Path);
        var expected = RunPython();
        var (_, keys) = await server.NewTenantAsync("onnx hospital", [Roles.ModelAdmin, Roles.Hospital]);
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "keys"));

        var registered = await cli.JsonAsync(keys[0], "models", "register", Path.Combine(_work.Path, "model.onnx"), "--onnx", "--options", Path.Combine(_work.Path, "options.json"));
        Assert.Equal(("onnx", "breast cancer (onnx)", 30), (registered.GetProperty("source").GetString(), registered.GetProperty("name").GetString(), registered.GetProperty("features").GetInt32()));
        var modelId = registered.GetProperty("id").GetString()!;
        await cli.JsonAsync(keys[0], "keys", "init", "--model", modelId);
        var predicted = await cli.JsonAsync(keys[0], "predict", "--model", modelId, Path.Combine(_work.Path, "records.csv"));

        var logits = expected.GetProperty("logit").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var classes = expected.GetProperty("class").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var predictions = predicted.GetProperty("predictions");
        Assert.Equal(logits.Length, predictions.GetArrayLength());

        // The ONNX weights are float32: sklearn's float64 logits differ by ~1e-5 besides the encryption's bound.
        var bound = predicted.GetProperty("expected_max_abs_error").GetDouble() + 1e-4;
        for (var i = 0; i < logits.Length; i++)
        {
            var result = predictions[i].GetProperty("result");
            var logit = result.GetProperty("logits")[0].GetDouble();
            Assert.True(Math.Abs(logit - logits[i]) <= bound, $"record {i}: {logit} vs sklearn {logits[i]} (bound {bound})");
            Assert.Equal(classes[i], result.GetProperty("class_index").GetInt32());
        }

        // Synchronous runs report the server's compute time from its header, beside the client's own timings and sizes.
        var timings = predicted.GetProperty("timings_ms");
        Assert.True(timings.GetProperty("server_compute").GetDouble() > 0);
        Assert.True(timings.GetProperty("round_trip").GetDouble() >= timings.GetProperty("server_compute").GetDouble());
        Assert.True(timings.GetProperty("encrypt").GetDouble() > 0 && timings.GetProperty("decrypt").GetDouble() > 0);
        Assert.Equal(1, predicted.GetProperty("transfer").GetProperty("ciphertexts").GetInt32());
        Assert.True(predicted.GetProperty("transfer").GetProperty("bytes_received").GetInt64() > 0);

        // Bytes that are not a complete ONNX model are refused as problem details, not a crash.
        var truncated = Path.Combine(_work.Path, "truncated.onnx");
        await File.WriteAllBytesAsync(truncated, (await File.ReadAllBytesAsync(Path.Combine(_work.Path, "model.onnx")))[..40]);
        var (code, stdout, _) = await cli.RunAsync(keys[0], "models", "register", truncated, "--onnx", "--options", Path.Combine(_work.Path, "options.json"), "--json");
        Assert.Equal(2, code);
        Assert.Equal(ProblemTypes.InvalidModel, JsonDocument.Parse(stdout).RootElement.GetProperty("type").GetString());
    }

    public void Dispose() => _work.Dispose();

    private JsonElement RunPython()
    {
        using var document = JsonDocument.Parse(DebianPython.Run(Script, "python3-sklearn and python3-onnx", [_work.Path]));
        return document.RootElement.Clone();
    }
}
