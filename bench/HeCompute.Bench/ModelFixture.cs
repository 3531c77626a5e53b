using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using HeCompute.Analytics;
using HeCompute.Analytics.Models;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;

namespace HeCompute.Bench;

/// <summary>
/// The analytics models the benchmarks run, trained by Debian's Python (/usr/bin/python3 with python3-numpy and
/// python3-sklearn; fixed seeds): logistic regression and a relu MLP (smooth-ReLU degree 63 substituted) on the
/// breast-cancer CSV, the CNN of the tests (conv 1→4, 4×4/2, pad 1 → square → avgpool 2×2 → dense) trained with numpy
/// on 600 generated 28×28 shape images (300 test images), and the same CNN trained on BreastMNIST when
/// ../shared/datasets/breastmnist.npz (or /work/shared/datasets/breastmnist.npz) exists. Each model comes with its
/// CKKS parameters, keys for exactly its <see cref="IEncryptedModel.RequiredSteps"/> and its test records.
/// </summary>
public sealed class ModelFixture : IDisposable
{
    private const string Python = "/usr/bin/python3";

    private ModelFixture(List<ModelCase> cases) => Cases = cases;

    /// <summary>The models, by name.</summary>
    public IReadOnlyList<ModelCase> Cases { get; }

    /// <summary>Trains the models (about 30 s of Python) and builds their contexts and keys.</summary>
    public static ModelFixture Create(IReadOnlyCollection<string>? only = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "hecompute-bench-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var script = Path.Combine(folder, "train.py");
            File.WriteAllText(script, Script);
            var output = Path.Combine(folder, "models.json");
            var npz = new[] { "../shared/datasets/breastmnist.npz", "/work/shared/datasets/breastmnist.npz" }.FirstOrDefault(File.Exists) ?? "absent.npz";
            var start = new ProcessStartInfo(Python) { RedirectStandardError = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(output);
            start.ArgumentList.Add(Path.GetFullPath(npz));
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Training with {Python} failed (python3-numpy and python3-sklearn installed?): {stderr}");
            }

            using var json = JsonDocument.Parse(File.ReadAllText(output));
            var cases = new List<ModelCase>();
            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (only is null || only.Count == 0 || only.Contains(entry.Name))
                {
                    cases.Add(ModelCase.Create(entry.Name, entry.Value));
                }
            }

            return new ModelFixture(cases);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Disposes every model's keys.</summary>
    public void Dispose()
    {
        foreach (var model in Cases)
        {
            model.Dispose();
        }
    }

    private const string Script = """
import json, sys, os
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split

out, npz = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)

def shape_image(kind):
    y, x = np.mgrid[0:28, 0:28]
    cy, cx = rng.uniform(9, 19, 2); r = rng.uniform(4, 7)
    if kind == 0: img = ((y - cy) ** 2 + (x - cx) ** 2 <= r * r).astype(float)
    elif kind == 1: img = ((np.abs(y - cy) <= r * 0.85) & (np.abs(x - cx) <= r * 0.85)).astype(float)
    else: img = (((np.abs(y - cy) <= 1.5) & (np.abs(x - cx) <= r)) | ((np.abs(x - cx) <= 1.5) & (np.abs(y - cy) <= r))).astype(float)
    return np.clip(img * rng.uniform(0.6, 1.0) + rng.normal(0, 0.15, (28, 28)), -0.5, 1.5)

def patches(X, K1=4, S1=2, P1=1):
    Xp = np.pad(X, ((0, 0), (P1, P1), (P1, P1)))
    oh = (28 + 2 * P1 - K1) // S1 + 1
    cols = np.empty((X.shape[0], oh * oh, K1 * K1))
    for ky in range(K1):
        for kx in range(K1):
            cols[:, :, ky * K1 + kx] = Xp[:, ky:ky + S1 * oh:S1, kx:kx + S1 * oh:S1].reshape(X.shape[0], -1)
    return cols

def forward(P, K, b, W, c, C1):
    Z = P @ K.T + b
    A4 = (Z ** 2).transpose(0, 2, 1).reshape(-1, C1, 14, 14)
    F = A4.reshape(-1, C1, 7, 2, 7, 2).mean(axis=(3, 5)).reshape(len(P), -1)
    return Z, F, F @ W.T + c

def train_cnn(X, y, classes, C1=4, steps=300, lr=0.02, l2=0.0):
    P = patches(X); Y = np.eye(classes)[y]
    K = rng.normal(0, 0.3, (C1, 16)); b = np.zeros(C1); W = rng.normal(0, 0.1, (classes, C1 * 49)); c = np.zeros(classes)
    params = [K, b, W, c]; m = [np.zeros_like(p) for p in params]; v = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        Z, F, logits = forward(P, *params, C1)
        e = np.exp(logits - logits.max(1, keepdims=True)); prob = e / e.sum(1, keepdims=True)
        dl = (prob - Y) / len(P)
        dW = dl.T @ F + l2 * params[2]; dc = dl.sum(0)
        dF = (dl @ params[2]).reshape(-1, C1, 7, 1, 7, 1) / 4.0
        dA = np.broadcast_to(dF, (len(P), C1, 7, 2, 7, 2)).reshape(-1, C1, 196).transpose(0, 2, 1)
        dZ = 2 * Z * dA
        grads = [np.einsum("npc,npk->ck", dZ, P) + l2 * params[0], dZ.sum((0, 1)), dW, dc]
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g; v[i] = 0.999 * v[i] + 0.001 * g * g
            params[i] -= lr * (m[i] / (1 - 0.9 ** step)) / (np.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    return params

def cnn_doc(params, classes, names):
    K, b, W, c = params
    return {"format": "hecompute-model", "formatVersion": 1, "kind": "cnn",
        "input": {"features": [f"pixel_{i}" for i in range(784)], "shape": [1, 28, 28]},
        "layers": [{"type": "conv2d", "kernelShape": [4, 1, 4, 4], "kernel": K.reshape(-1).tolist(), "bias": b.tolist(), "stride": [2, 2], "padding": [1, 1]},
                   {"type": "activation", "function": "square"}, {"type": "avgpool", "kernel": [2, 2]}, {"type": "flatten"},
                   {"type": "dense", "weights": W.tolist(), "bias": c.tolist()}], "outputs": names}

result = {}
labels = np.arange(900) % 3
imgs = np.stack([shape_image(k) for k in labels])
p = train_cnn(imgs[:600], labels[:600], 3)
result["cnn-shapes"] = {"document": cnn_doc(p, 3, ["disc", "square", "cross"]), "x": imgs[600:].reshape(300, -1).tolist(), "y": labels[600:].tolist()}

if os.path.exists(npz):
    d = np.load(npz)
    tr, te = d["train_images"] / 255.0, d["test_images"] / 255.0
    mean, sd = tr.mean(), tr.std()
    p = train_cnn((tr - mean) / sd, d["train_labels"].reshape(-1).astype(int), 2, steps=400, lr=0.01, l2=1e-3)
    doc = cnn_doc(p, 2, ["malignant", "normal-or-benign"])
    doc["input"]["mean"] = [float(mean * 255)] * 784; doc["input"]["scale"] = [float(sd * 255)] * 784
    result["cnn-breastmnist"] = {"document": doc, "x": d["test_images"].reshape(len(te), -1).astype(float).tolist(), "y": d["test_labels"].reshape(-1).astype(int).tolist()}

data = np.loadtxt("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv", delimiter=",", skiprows=1)
X, y = data[:, :30], data[:, 30].astype(int)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)
sc = StandardScaler().fit(Xtr); Ztr = sc.transform(Xtr)
schema = {"features": [f"f{i}" for i in range(30)], "mean": sc.mean_.tolist(), "scale": sc.scale_.tolist()}
lr = LogisticRegression(C=0.1, max_iter=5000).fit(Ztr, ytr)
result["logistic-cancer"] = {"document": {"format": "hecompute-model", "formatVersion": 1, "kind": "logistic-regression", "input": schema,
    "layers": [{"type": "dense", "weights": lr.coef_.tolist(), "bias": lr.intercept_.tolist()}]}, "x": Xte.tolist(), "y": yte.tolist()}
mlp = MLPClassifier(hidden_layer_sizes=(8,), activation="relu", alpha=1.0, max_iter=3000, random_state=0).fit(Ztr, ytr)
hb = float(np.ceil(2 * np.abs(Ztr @ mlp.coefs_[0] + mlp.intercepts_[0]).max()))
result["mlp-cancer"] = {"document": {"format": "hecompute-model", "formatVersion": 1, "kind": "mlp", "input": schema,
    "layers": [{"type": "dense", "weights": mlp.coefs_[0].T.tolist(), "bias": mlp.intercepts_[0].tolist()},
               {"type": "activation", "function": "smooth-relu", "lower": -hb, "upper": hb, "degree": 63},
               {"type": "dense", "weights": mlp.coefs_[1].T.tolist(), "bias": mlp.intercepts_[1].tolist()}]}, "x": Xte.tolist(), "y": yte.tolist()}
json.dump(result, open(out, "w"))
""";
}

/// <summary>One benchmarked model: compiled model, CKKS context with keys for its steps, test records and labels.</summary>
public sealed class ModelCase : IDisposable
{
    private readonly KeyGenerator _keygen;
    private readonly Encryptor _encryptor;
    private readonly Decryptor _decryptor;

    private ModelCase(string name, IEncryptedModel model, ulong n, int[] primeBits, double scale, double[][] records, int[] labels)
    {
        Name = name;
        Model = model;
        Records = records;
        Labels = labels;
        PolyModulusDegree = n;
        PrimeBits = primeBits;
        var parms = new ParametersLiteral((int)n, CoeffModulus.Create((int)n, primeBits));
        var context = Parameters.Create(parms);
        _keygen = new KeyGenerator(context);
        var relin = _keygen.CreateRelinKeys();
        var steps = model.RequiredSteps.ToArray();
        GaloisKeyBytes = steps.Length == 0 ? 0 : _keygen.CreateSeededGaloisKeys(steps).SaveSize(CompressionMode.None);
        RelinKeyBytes = model.UsesRelinearization ? _keygen.CreateSeededRelinKeys().SaveSize(CompressionMode.None) : 0;
        GaloisKeys? galois = null;
        if (steps.Length > 0)
        {
            galois = _keygen.CreateGaloisKeys(steps);
        }

        Evaluation = new EvaluationContext(context, scale, new EvaluationKeySet(relin, galois));
        _encryptor = new Encryptor(context, _keygen.SecretKey);
        _decryptor = new Decryptor(context, _keygen.SecretKey);
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>The compiled model.</summary>
    public IEncryptedModel Model { get; }

    /// <summary>Evaluation context with exactly the planned keys.</summary>
    public EvaluationContext Evaluation { get; }

    /// <summary>Raw test records.</summary>
    public double[][] Records { get; }

    /// <summary>True labels.</summary>
    public int[] Labels { get; }

    /// <summary>N.</summary>
    public ulong PolyModulusDegree { get; }

    /// <summary>Prime bit sizes, special prime last.</summary>
    public IReadOnlyList<int> PrimeBits { get; }

    /// <summary>Seeded Galois keys for the planned steps, bytes.</summary>
    public long GaloisKeyBytes { get; }

    /// <summary>Seeded relinearization keys, bytes (0 when unused).</summary>
    public long RelinKeyBytes { get; }

    /// <summary>Encrypts packed slots with the secret key (what a client uploads: the seeded form).</summary>
    public (Ciphertext Ciphertext, long Bytes) Encrypt(IReadOnlyList<IReadOnlyList<double>> records)
    {
        var plain = Evaluation.EncodeVector(Model.Pack(records), Evaluation.TopLevel, Evaluation.DefaultScale);
        var seeded = _encryptor.EncryptSymmetric(plain);
        using var stream = new MemoryStream();
        var bytes = seeded.Save(stream, CompressionMode.None);
        stream.Position = 0;
        var ciphertext = new Ciphertext();
        ciphertext.Load(Evaluation.Parameters, stream);
        return (ciphertext, bytes);
    }

    /// <summary>The outputs of <paramref name="count"/> records from a result ciphertext.</summary>
    public double[][] Decrypt(Ciphertext result, int count)
    {
        var plain = new Plaintext();
        _decryptor.Decrypt(result, plain);
        var values = new List<double>();
        Evaluation.Encoder.Decode(plain, values);
        return Model.Unpack(CollectionsMarshal.AsSpan(values), count);
    }

    /// <summary>The class an output vector predicts (sign for one output, argmax otherwise).</summary>
    public static int Predict(IReadOnlyList<double> outputs)
    {
        if (outputs.Count == 1)
        {
            return outputs[0] > 0 ? 1 : 0;
        }

        var best = 0;
        for (var i = 1; i < outputs.Count; i++)
        {
            best = outputs[i] > outputs[best] ? i : best;
        }

        return best;
    }

    /// <summary>Disposes the key generator.</summary>
    public void Dispose() => _keygen.Dispose();

    /// <summary>A case evaluated with a plan's ring, primes and scale and exactly <paramref name="model"/>'s keys.</summary>
    internal static ModelCase ForPlan(ModelCase source, Analytics.Planning.ModelPlan plan, IEncryptedModel model)
    {
        var parameters = plan.Document.Parameters;
        return new ModelCase(source.Name, model, (ulong)parameters.PolyModulusDegree, [.. parameters.CoeffModulusBits], plan.Scale, source.Records, source.Labels);
    }

    internal static ModelCase Create(string name, JsonElement entry)
    {
        var document = ModelDocument.Parse(entry.GetProperty("document").GetRawText());
        var records = entry.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var labels = entry.GetProperty("y").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        return document.Kind switch
        {
            ModelKinds.Cnn => new ModelCase(name, new CnnModel(document, 4096), 8192, [50, 35, 35, 35, 50], Math.Pow(2, 35), records, labels),
            ModelKinds.Mlp => new ModelCase(name, new MlpModel(document, 8192), 16384, [50, 35, 35, 35, 35, 35, 35, 35, 35, 35, 50], Math.Pow(2, 35), records, labels),
            _ => new ModelCase(name, new LinearModel(document, 4096), 8192, [60, 40, 40, 60], Math.Pow(2, 40), records, labels),
        };
    }
}
