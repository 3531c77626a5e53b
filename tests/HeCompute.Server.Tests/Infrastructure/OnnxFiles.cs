using System.Text.Json;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// ONNX files written by Debian's python3-onnx (<c>/usr/bin/python3</c>): the breast-cancer logistic regression of
/// <see cref="BreastCancerModel"/> (same sklearn training) as one Gemm giving the logit (a trailing Sigmoid would be
/// evaluated as a degree-31 polynomial, a far deeper circuit), with sklearn's logits of test records (the oracle), and a
/// graph with an operator the importer does not support (Erf).
/// </summary>
public sealed class OnnxFiles
{
    private const string Script = DebianPython.BreastCancerLogistic + """
from onnx import helper, numpy_helper, TensorProto
f32 = lambda name, a: numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 30])
p = helper.make_tensor_value_info("p", TensorProto.FLOAT, ["N", 1])
def model(nodes, inits, name):
    graph = helper.make_graph(nodes, name, [x], [p], inits)
    return base64.b64encode(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString()).decode()
logistic = model([helper.make_node("Gemm", ["x", "w", "b"], ["p"], name="linear", transB=1)], [f32("w", lr.coef_), f32("b", lr.intercept_)], "logistic")
erf = model([helper.make_node("Gemm", ["x", "w", "b"], ["z"], name="linear", transB=1),
             helper.make_node("Erf", ["z"], ["p"], name="gelu_erf")], [f32("w", lr.coef_), f32("b", lr.intercept_)], "erf")
json.dump({"logistic": logistic, "erf": erf, "mean": sc.mean_.tolist(), "scale": sc.scale_.tolist(),
    "lower": Xtr.min(0).tolist(), "upper": Xtr.max(0).tolist(), "features": [str(n) for n in bc.feature_names],
    "x": Xte[:20].tolist(), "logit": lr.decision_function(sc.transform(Xte[:20])).tolist()}, sys.stdout)
""";

    private static readonly Lazy<OnnxFiles> SharedInstance = new(() => new OnnxFiles());

    private OnnxFiles()
    {
        var stdout = DebianPython.Run(Script, "python3-sklearn and python3-onnx");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];
        Logistic = Convert.FromBase64String(root.GetProperty("logistic").GetString()!);
        Erf = Convert.FromBase64String(root.GetProperty("erf").GetString()!);
        Mean = Doubles(root.GetProperty("mean"));
        Scale = Doubles(root.GetProperty("scale"));
        Lower = Doubles(root.GetProperty("lower"));
        Upper = Doubles(root.GetProperty("upper"));
        Features = [.. root.GetProperty("features").EnumerateArray().Select(v => v.GetString()!)];
        Records = [.. root.GetProperty("x").EnumerateArray().Select(Doubles)];
        Logits = Doubles(root.GetProperty("logit"));
    }

    public static OnnxFiles Shared => SharedInstance.Value;

    public byte[] Logistic { get; }

    public byte[] Erf { get; }

    public double[] Mean { get; }

    public double[] Scale { get; }

    public double[] Lower { get; }

    public double[] Upper { get; }

    public string[] Features { get; }

    public double[][] Records { get; }

    public double[] Logits { get; }
}
