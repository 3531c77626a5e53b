using System.Text.Json;

namespace HeCompute.Analytics.Tests.Models;

/// <summary>
/// Trains the test models with Debian's scikit-learn (<c>/usr/bin/python3</c>, fixed split and seeds) and exports them
/// to our JSON model format, with the test records and sklearn's decision values and predictions. Fails loudly when
/// the Debian Python with sklearn is missing: these tests must not pass silently without it.
/// </summary>
public sealed class SklearnModels : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly JsonDocument _json;

    public SklearnModels()
    {
        var output = Path.Combine(_directory.Path, "models.json");
        Log = DebianPython.Run(Script, "python3-sklearn", [output]);
        _json = JsonDocument.Parse(File.ReadAllText(output));
    }

    public string Log { get; }

    /// <summary>The exported model document (our JSON format) by name.</summary>
    public string ModelJson(string name) => _json.RootElement.GetProperty("models").GetProperty(name).GetRawText();

    /// <summary>Raw test records of a model.</summary>
    public double[][] TestRecords(string name) => Matrix(name, "x");

    /// <summary>sklearn's decision values (logits, margins or regression outputs), one row per record.</summary>
    public double[][] Decisions(string name) => Matrix(name, "decision");

    /// <summary>sklearn's predicted labels.</summary>
    public int[] Predictions(string name) =>
        [.. _json.RootElement.GetProperty("tests").GetProperty(name).GetProperty("predict").EnumerateArray().Select(e => (int)e.GetDouble())];

    /// <summary>A vector of a test entry (truth, proba).</summary>
    public double[] Vector(string name, string field) =>
        [.. _json.RootElement.GetProperty("tests").GetProperty(name).GetProperty(field).EnumerateArray().Select(e => e.GetDouble())];

    public void Dispose()
    {
        _json.Dispose();
        _directory.Dispose();
    }

    private double[][] Matrix(string name, string field) =>
        [.. _json.RootElement.GetProperty("tests").GetProperty(name).GetProperty(field).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray())];

    private const string Script = """
import json, sys, csv, os
import numpy as np
from sklearn.linear_model import LogisticRegression, LinearRegression
from sklearn.svm import LinearSVC
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
from sklearn.datasets import load_breast_cancer, load_wine

out = sys.argv[1]
bc = load_breast_cancer()
X, y = bc.data, bc.target
names = [str(n) for n in bc.feature_names]
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)
sc = StandardScaler().fit(Xtr)
Ztr, Zte = sc.transform(Xtr), sc.transform(Xte)

def schema(feature_names, scaler, Xtrain):
    return {"features": feature_names, "lower": Xtrain.min(0).tolist(), "upper": Xtrain.max(0).tolist(),
            "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()}

def dense(W, b):
    return {"type": "dense", "weights": np.atleast_2d(W).tolist(), "bias": np.atleast_1d(b).tolist()}

models, tests = {}, {}
lr = LogisticRegression(C=0.1, max_iter=5000).fit(Ztr, ytr)
bound = float(np.ceil(2 * np.abs(lr.decision_function(Ztr)).max()))
models["logistic"] = {"format": "hecompute-model", "formatVersion": 1, "kind": "logistic-regression",
    "input": schema(names, sc, Xtr), "layers": [dense(lr.coef_, lr.intercept_)], "outputs": ["logit(benign)"]}
models["logistic-probability"] = dict(models["logistic"], layers=[dense(lr.coef_, lr.intercept_),
    {"type": "activation", "function": "sigmoid", "lower": -bound, "upper": bound, "degree": 63}], outputs=["P(benign)"])
tests["logistic"] = {"x": Xte.tolist(), "decision": lr.decision_function(Zte).reshape(-1, 1).tolist(),
    "predict": lr.predict(Zte).tolist(), "truth": yte.tolist(), "proba": lr.predict_proba(Zte)[:, 1].tolist()}

svm = LinearSVC(C=0.05, dual=False, max_iter=20000, random_state=0).fit(Ztr, ytr)
models["svm"] = {"format": "hecompute-model", "formatVersion": 1, "kind": "linear-svm",
    "input": schema(names, sc, Xtr), "layers": [dense(svm.coef_, svm.intercept_)]}
tests["svm"] = {"x": Xte.tolist(), "decision": svm.decision_function(Zte).reshape(-1, 1).tolist(),
    "predict": svm.predict(Zte).tolist(), "truth": yte.tolist()}

# Linear regression: "mean radius" from the 29 other features (raw inputs, no standardisation declared).
Rtr, Rte = Xtr[:, 1:], Xte[:, 1:]
reg = LinearRegression().fit(Rtr, Xtr[:, 0])
models["regression"] = {"format": "hecompute-model", "formatVersion": 1, "kind": "linear-regression",
    "input": {"features": names[1:], "lower": Rtr.min(0).tolist(), "upper": Rtr.max(0).tolist()},
    "layers": [dense(reg.coef_, reg.intercept_)], "outputs": [names[0]]}
tests["regression"] = {"x": Rte.tolist(), "decision": reg.predict(Rte).reshape(-1, 1).tolist(), "truth": Xte[:, 0].tolist()}

from sklearn.neural_network import MLPClassifier
mlp = MLPClassifier(hidden_layer_sizes=(8,), activation="relu", alpha=1.0, max_iter=3000, random_state=0).fit(Ztr, ytr)
hidden = Ztr @ mlp.coefs_[0] + mlp.intercepts_[0]
# The interval must hold every hidden value the declared input bounds allow (the planner refuses it otherwise), not
# only the training set's: interval arithmetic over the standardised bounds, as the planner propagates them.
zlo, zhi = (Xtr.min(0) - sc.mean_) / sc.scale_, (Xtr.max(0) - sc.mean_) / sc.scale_
W = mlp.coefs_[0]
hlo = mlp.intercepts_[0] + np.minimum(W * zlo[:, None], W * zhi[:, None]).sum(0)
hhi = mlp.intercepts_[0] + np.maximum(W * zlo[:, None], W * zhi[:, None]).sum(0)
hbound = float(np.ceil(max(2 * np.abs(hidden).max(), np.abs(hlo).max(), np.abs(hhi).max())))
models["mlp"] = {"format": "hecompute-model", "formatVersion": 1, "kind": "mlp", "input": schema(names, sc, Xtr),
    "layers": [dense(mlp.coefs_[0].T, mlp.intercepts_[0]),
               {"type": "activation", "function": "smooth-relu", "lower": -hbound, "upper": hbound, "sharpness": 1, "degree": 63},
               dense(mlp.coefs_[1].T, mlp.intercepts_[1])], "outputs": ["logit(benign)"]}
tests["mlp"] = {"x": Xte.tolist(), "decision": (np.maximum(Zte @ mlp.coefs_[0] + mlp.intercepts_[0], 0) @ mlp.coefs_[1] + mlp.intercepts_[1]).tolist(),
    "predict": mlp.predict(Zte).tolist(), "truth": yte.tolist()}
print("mlp accuracy", mlp.score(Zte, yte), "hidden bound", hbound, "test max", np.abs(Zte @ mlp.coefs_[0] + mlp.intercepts_[0]).max())

wine = load_wine()
wX, wy = wine.data, wine.target
wXtr, wXte, wytr, wyte = train_test_split(wX, wy, test_size=0.3, random_state=42, stratify=wy)
wsc = StandardScaler().fit(wXtr)
mn = LogisticRegression(C=0.5, max_iter=5000).fit(wsc.transform(wXtr), wytr)
models["multinomial"] = {"format": "hecompute-model", "formatVersion": 1, "kind": "multinomial-logistic",
    "input": schema([str(n) for n in wine.feature_names], wsc, wXtr), "layers": [dense(mn.coef_, mn.intercept_)],
    "outputs": [str(c) for c in wine.target_names]}
tests["multinomial"] = {"x": wXte.tolist(), "decision": mn.decision_function(wsc.transform(wXte)).tolist(),
    "predict": mn.predict(wsc.transform(wXte)).tolist(), "truth": wyte.tolist()}

with open(out, "w") as f:
    json.dump({"models": models, "tests": tests}, f)
for k, t in tests.items():
    d = np.array(t["decision"]); print(k, d.shape, np.abs(d).max(), np.abs(d).min())
print("bound", bound)
""";
}
