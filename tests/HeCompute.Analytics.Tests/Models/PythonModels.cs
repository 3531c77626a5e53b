using System.Text.Json;

namespace HeCompute.Analytics.Tests.Models;

/// <summary>
/// Trains and exports the image and ONNX test models with Debian's Python (<c>/usr/bin/python3</c> with python3-numpy,
/// python3-sklearn and python3-onnx; fixed seeds): a CNN (conv 1→4, 4×4, stride 2, pad 1; square; 2×2 average
/// pooling; dense 196→3) trained with numpy on generated 28×28 images of discs, squares and crosses with noise,
/// exported to our JSON and to ONNX; the same CNN with a BatchNormalization and Pow/Reshape/MatMul/Add spelling; a
/// logistic regression (Gemm + Sigmoid) and a relu MLP (MatMul/Add/Relu/Dropout) trained by sklearn on the
/// breast-cancer CSV; a Gemm + BatchNormalization + square network; and three graphs with unsupported operators.
/// numpy's forward passes of every model on its test inputs are the oracle. Fails loudly when a package is missing.
/// </summary>
public sealed class PythonModels : IDisposable
{
    /// <summary>Generated test images (the encrypted test runs all of them).</summary>
    public const int TestImages = 32;

    private readonly TempDirectory _folder = new();
    private readonly JsonDocument _oracle;

    public PythonModels()
    {
        Log = DebianPython.Run(
            Script,
            "python3-numpy, python3-sklearn and python3-onnx",
            [Folder],
            new Dictionary<string, string> { ["CNN_TEST_IMAGES"] = TestImages.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _oracle = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "oracle.json")));
    }

    /// <summary>The folder holding the exported models (*.onnx) and oracle.json.</summary>
    public string Folder => _folder.Path;

    /// <summary>What the training script printed (accuracies and ranges).</summary>
    public string Log { get; }

    /// <summary>The CNN in our JSON format.</summary>
    public string CnnJson => _oracle.RootElement.GetProperty("cnn").GetRawText();

    /// <summary>The generated test images, 784 pixels each (C-H-W).</summary>
    public double[][] CnnImages => Matrix(_oracle.RootElement.GetProperty("cnnImages"));

    /// <summary>The true class of each test image.</summary>
    public int[] CnnLabels => [.. _oracle.RootElement.GetProperty("cnnLabels").EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>numpy's logits of the CNN on the test images.</summary>
    public double[][] CnnLogits => Matrix(_oracle.RootElement.GetProperty("cnnLogits"));

    /// <summary>numpy's logits of the CNN with BatchNormalization on the test images.</summary>
    public double[][] CnnBatchNormLogits => Matrix(_oracle.RootElement.GetProperty("cnnBnLogits"));

    /// <summary>The breast-cancer part of the oracle (features, standardisation, test records, logits).</summary>
    public JsonElement Cancer => _oracle.RootElement.GetProperty("cancer");

    /// <summary>The bytes of an exported ONNX model.</summary>
    public byte[] Onnx(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".onnx"));

    public static double[][] Matrix(JsonElement element) =>
        [.. element.EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray())];

    public static double[] Vector(JsonElement element) => [.. element.EnumerateArray().Select(e => e.GetDouble())];

    public void Dispose()
    {
        _oracle.Dispose();
        _folder.Dispose();
    }

    private const string Script = """
import json, sys, os
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(7)

def shape_image(kind, rng):
    y, x = np.mgrid[0:28, 0:28]
    cy, cx = rng.uniform(9, 19, 2)
    r = rng.uniform(4, 7)
    if kind == 0:
        img = ((y - cy) ** 2 + (x - cx) ** 2 <= r * r).astype(float)
    elif kind == 1:
        img = ((np.abs(y - cy) <= r * 0.85) & (np.abs(x - cx) <= r * 0.85)).astype(float)
    else:
        img = (((np.abs(y - cy) <= 1.5) & (np.abs(x - cx) <= r)) | ((np.abs(x - cx) <= 1.5) & (np.abs(y - cy) <= r))).astype(float)
    return np.clip(img * rng.uniform(0.6, 1.0) + rng.normal(0, 0.15, (28, 28)), -0.5, 1.5)

def images(n, rng):
    labels = np.arange(n) % 3
    return np.stack([shape_image(k, rng) for k in labels])[:, None, :, :], labels

Xtr, ytr = images(600, rng)
Xte, yte = images(int(os.environ.get("CNN_TEST_IMAGES", "60")), rng)

# conv 1→4, 4×4, stride 2, pad 1 → 4×14×14; square; avgpool 2×2 → 4×7×7; flatten; dense 196→3.
K1, S1, P1, C1 = 4, 2, 1, 4
def patches(X):
    Xp = np.pad(X[:, 0], ((0, 0), (P1, P1), (P1, P1)))
    oh = (28 + 2 * P1 - K1) // S1 + 1
    cols = np.empty((X.shape[0], oh * oh, K1 * K1))
    for ky in range(K1):
        for kx in range(K1):
            cols[:, :, ky * K1 + kx] = Xp[:, ky:ky + S1 * oh:S1, kx:kx + S1 * oh:S1].reshape(X.shape[0], -1)
    return cols, oh

def forward(X, K, b, W, c):
    P, oh = patches(X)
    Z = P @ K.T + b                      # (n, 196, C1)
    A = Z ** 2
    A4 = A.transpose(0, 2, 1).reshape(-1, C1, oh, oh)
    pooled = A4.reshape(-1, C1, oh // 2, 2, oh // 2, 2).mean(axis=(3, 5))
    F = pooled.reshape(len(X), -1)
    return P, Z, F, F @ W.T + c

K = rng.normal(0, 0.3, (C1, K1 * K1)); b = np.zeros(C1)
W = rng.normal(0, 0.1, (3, C1 * 49)); c = np.zeros(3)
params = [K, b, W, c]; m = [np.zeros_like(p) for p in params]; v = [np.zeros_like(p) for p in params]
Y = np.eye(3)[ytr]
for step in range(1, 301):
    P, Z, F, logits = forward(Xtr, K, b, W, c)
    e = np.exp(logits - logits.max(1, keepdims=True)); prob = e / e.sum(1, keepdims=True)
    dl = (prob - Y) / len(Xtr)
    dW = dl.T @ F; dc = dl.sum(0)
    dF = (dl @ W).reshape(-1, C1, 7, 1, 7, 1) / 4.0
    dA4 = np.broadcast_to(dF, (len(Xtr), C1, 7, 2, 7, 2)).reshape(-1, C1, 14, 14)
    dA = dA4.reshape(-1, C1, 196).transpose(0, 2, 1)
    dZ = 2 * Z * dA
    dK = np.einsum("npc,npk->ck", dZ, P); db = dZ.sum((0, 1))
    for i, g in enumerate([dK, db, dW, dc]):
        m[i] = 0.9 * m[i] + 0.1 * g; v[i] = 0.999 * v[i] + 0.001 * g * g
        params[i] -= 0.02 * (m[i] / (1 - 0.9 ** step)) / (np.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    K, b, W, c = params
# Weights as float32 (what ONNX stores) so JSON, ONNX and the oracle hold the same numbers.
K, b, W, c = [p.astype(np.float32).astype(np.float64) for p in (K, b, W, c)]
_, Zte, _, logits_te = forward(Xte, K, b, W, c)
_, _, _, logits_tr = forward(Xtr, K, b, W, c)
print("cnn train accuracy", (logits_tr.argmax(1) == ytr).mean(), "test", (logits_te.argmax(1) == yte).mean(), "max |conv|", np.abs(Zte).max(), "max |logit|", np.abs(logits_te).max())

pixels = [f"pixel_{i}" for i in range(784)]
cnn_json = {"format": "hecompute-model", "formatVersion": 1, "kind": "cnn",
    "input": {"features": pixels, "shape": [1, 28, 28]},
    "layers": [{"type": "conv2d", "kernelShape": [C1, 1, K1, K1], "kernel": K.reshape(-1).tolist(), "bias": b.tolist(), "stride": [S1, S1], "padding": [P1, P1]},
               {"type": "activation", "function": "square"},
               {"type": "avgpool", "kernel": [2, 2]},
               {"type": "flatten"},
               {"type": "dense", "weights": W.tolist(), "bias": c.tolist()}],
    "outputs": ["disc", "square", "cross"]}

def f32(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)

def save(model_nodes, inits, inp, outp, name, raw=True):
    graph = helper.make_graph(model_nodes, name, [inp], [outp], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())

X4 = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 28, 28])
Yv = lambda n, k: helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", k])
save([helper.make_node("Conv", ["image", "K", "b"], ["z"], name="conv", kernel_shape=[K1, K1], strides=[S1, S1], pads=[P1, P1, P1, P1]),
      helper.make_node("Mul", ["z", "z"], ["a"], name="square"),
      helper.make_node("AveragePool", ["a"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
      helper.make_node("Gemm", ["f", "W", "c"], ["logits"], name="dense", transB=1),
      helper.make_node("Softmax", ["logits"], ["prob"], name="softmax", axis=1)],
     [f32("K", K.reshape(C1, 1, K1, K1)), f32("b", b), f32("W", W), f32("c", c)], X4, Yv("prob", 3), "cnn")

# BatchNorm after Conv (and Pow square): exact folding; oracle in float64 from the float32 parameters.
bn = [rng.uniform(0.5, 1.5, C1), rng.normal(0, 0.2, C1), rng.normal(0, 0.2, C1), rng.uniform(0.5, 2, C1)]
bn = [p.astype(np.float32).astype(np.float64) for p in bn]
eps = float(np.float32(1e-3))
save([helper.make_node("Conv", ["image", "K", "b"], ["z"], name="conv", kernel_shape=[K1, K1], strides=[S1, S1], pads=[P1, P1, P1, P1]),
      helper.make_node("BatchNormalization", ["z", "g", "beta", "mu", "var"], ["zn"], name="bn", epsilon=1e-3),
      helper.make_node("Pow", ["zn", "two"], ["a"], name="square"),
      helper.make_node("AveragePool", ["a"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Reshape", ["p", "shape"], ["f"], name="reshape"),
      helper.make_node("MatMul", ["f", "Wt"], ["m"], name="matmul"),
      helper.make_node("Add", ["m", "c"], ["logits"], name="bias")],
     [f32("K", K.reshape(C1, 1, K1, K1)), f32("b", b), f32("g", bn[0]), f32("beta", bn[1]), f32("mu", bn[2]), f32("var", bn[3]),
      f32("two", np.array(2.0)), numpy_helper.from_array(np.array([1, -1], dtype=np.int64), "shape"), f32("Wt", W.T), f32("c", c)],
     X4, Yv("logits", 3), "cnn_bn")
P, oh = patches(Xte)
Z = P @ K.T + b
Zn = (Z - bn[2]) / np.sqrt(bn[3] + eps) * bn[0] + bn[1]
A4 = (Zn ** 2).transpose(0, 2, 1).reshape(-1, C1, 14, 14)
Fbn = A4.reshape(-1, C1, 7, 2, 7, 2).mean(axis=(3, 5)).reshape(len(Xte), -1)
logits_bn = Fbn @ W.T + c

# Breast cancer: logistic regression (Gemm + Sigmoid) and a relu MLP (MatMul/Add/Relu) by sklearn.
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
data = np.loadtxt("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv", delimiter=",", skiprows=1)
Xb, yb = data[:, :30], data[:, 30].astype(int)
Btr, Bte, bytr, byte = train_test_split(Xb, yb, test_size=0.3, random_state=42, stratify=yb)
sc = StandardScaler().fit(Btr)
lr = LogisticRegression(C=0.1, max_iter=5000).fit(sc.transform(Btr), bytr)
lw, lb = lr.coef_.astype(np.float32).astype(np.float64), lr.intercept_.astype(np.float32).astype(np.float64)
XB = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 30])
save([helper.make_node("Gemm", ["x", "w", "b"], ["logit"], name="linear", transB=1),
      helper.make_node("Sigmoid", ["logit"], ["p"], name="sigmoid")], [f32("w", lw), f32("b", lb)], XB, Yv("p", 1), "logistic")
Zb = sc.transform(Bte)
logit_lr = Zb @ lw.T + lb
mlp = MLPClassifier(hidden_layer_sizes=(8,), activation="relu", alpha=1.0, max_iter=3000, random_state=0).fit(sc.transform(Btr), bytr)
W1, b1, W2, b2 = [a.astype(np.float32).astype(np.float64) for a in (mlp.coefs_[0], mlp.intercepts_[0], mlp.coefs_[1], mlp.intercepts_[1])]
save([helper.make_node("MatMul", ["x", "W1"], ["h"], name="fc1"), helper.make_node("Add", ["h", "b1"], ["hb"], name="fc1_bias"),
      helper.make_node("Relu", ["hb"], ["r"], name="relu"), helper.make_node("Dropout", ["r"], ["rd"], name="dropout"),
      helper.make_node("MatMul", ["rd", "W2"], ["o"], name="fc2"), helper.make_node("Add", ["o", "b2"], ["logit"], name="fc2_bias")],
     [f32("W1", W1), f32("b1", b1), f32("W2", W2), f32("b2", b2)], XB, Yv("logit", 1), "mlp")
hidden = Zb @ W1 + b1
logit_mlp = np.maximum(hidden, 0) @ W2 + b2
# Gemm + BatchNormalization folded.
bnd = [a.astype(np.float32).astype(np.float64) for a in (rng.uniform(0.5, 1.5, 8), rng.normal(0, 0.2, 8), rng.normal(0, 0.2, 8), rng.uniform(0.5, 2, 8))]
save([helper.make_node("Gemm", ["x", "W1t", "b1"], ["h"], name="fc1", transB=1, alpha=0.5, beta=2.0),
      helper.make_node("BatchNormalization", ["h", "g", "beta", "mu", "var"], ["hn"], name="bn"),
      helper.make_node("Mul", ["hn", "hn"], ["s"], name="square"),
      helper.make_node("Gemm", ["s", "W2", "b2"], ["logit"], name="fc2")],
     [f32("W1t", W1.T), f32("b1", b1), f32("g", bnd[0]), f32("beta", bnd[1]), f32("mu", bnd[2]), f32("var", bnd[3]), f32("W2", W2), f32("b2", b2)],
     XB, Yv("logit", 1), "dense_bn")
hb = (0.5 * (Zb @ W1) + 2.0 * b1 - bnd[2]) / np.sqrt(bnd[3] + float(np.float32(1e-5))) * bnd[0] + bnd[1]
logit_dense_bn = (hb ** 2) @ W2 + b2

# Unsupported graphs.
save([helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="linear", transB=1), helper.make_node("Softmax", ["h"], ["s"], name="middle_softmax"),
      helper.make_node("Gemm", ["s", "w2", "b2"], ["y"], name="out", transB=1)],
     [f32("w", np.ones((4, 30))), f32("b", np.zeros(4)), f32("w2", np.ones((1, 4))), f32("b2", np.zeros(1))], XB, Yv("y", 1), "softmax_middle")
save([helper.make_node("Conv", ["image", "K2"], ["z"], name="grouped_conv", kernel_shape=[3, 3], group=2)],
     [f32("K2", np.ones((2, 1, 3, 3)))], helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 2, 28, 28]), helper.make_tensor_value_info("z", TensorProto.FLOAT, ["N", 2, 26, 26]), "conv_group2")
seq = helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 30])
save([helper.make_node("LSTM", ["x", "Wl", "Rl"], ["y"], name="lstm1", hidden_size=4)],
     [f32("Wl", np.ones((1, 16, 30))), f32("Rl", np.ones((1, 16, 4)))], seq, helper.make_tensor_value_info("y", TensorProto.FLOAT, [5, 1, 1, 4]), "lstm")

json.dump({"cnn": cnn_json,
           "cnnImages": Xte.reshape(len(Xte), -1).tolist(), "cnnLabels": yte.tolist(), "cnnLogits": logits_te.tolist(), "cnnBnLogits": logits_bn.tolist(),
           "cancer": {"features": [f"f{i}" for i in range(30)], "mean": sc.mean_.tolist(), "scale": sc.scale_.tolist(), "x": Bte.tolist(),
                      "logisticLogit": logit_lr[:, 0].tolist(), "logisticProba": (1 / (1 + np.exp(-logit_lr[:, 0]))).tolist(),
                      "mlpLogit": logit_mlp[:, 0].tolist(), "mlpHiddenMax": float(np.abs(hidden).max()), "denseBnLogit": logit_dense_bn[:, 0].tolist(),
                      "logisticBound": float(np.ceil(1.2 * np.abs(logit_lr).max()))}},
          open(os.path.join(out, "oracle.json"), "w"))
""";
}
