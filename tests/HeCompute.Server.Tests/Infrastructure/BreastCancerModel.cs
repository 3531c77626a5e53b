using System.Text.Json;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// A logistic regression trained once on the breast-cancer CSV with Debian's scikit-learn (<c>/usr/bin/python3</c>,
/// fixed split), exported in HeCompute's JSON model format, with test records and sklearn's logits and classes (the
/// oracle). Fails loudly when the Debian Python with sklearn is missing.
/// </summary>
public sealed class BreastCancerModel
{
    private const string Script = DebianPython.BreastCancerLogistic + """
model = {"format": "hecompute-model", "formatVersion": 1, "kind": "logistic-regression",
    "input": {"features": [str(n) for n in bc.feature_names], "lower": Xtr.min(0).tolist(), "upper": Xtr.max(0).tolist(),
              "mean": sc.mean_.tolist(), "scale": sc.scale_.tolist()},
    "layers": [{"type": "dense", "weights": lr.coef_.tolist(), "bias": lr.intercept_.tolist()}], "outputs": ["logit(benign)"]}
json.dump({"model": model, "x": Xte[:40].tolist(), "logit": lr.decision_function(sc.transform(Xte[:40])).tolist(),
    "predict": lr.predict(sc.transform(Xte[:40])).tolist()}, sys.stdout)
""";

    private static readonly Lazy<BreastCancerModel> SharedInstance = new(() => new BreastCancerModel());

    private BreastCancerModel()
    {
        var stdout = DebianPython.Run(Script, "python3-sklearn");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        ModelJson = root.GetProperty("model").GetRawText();
        Records = [.. root.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray())];
        Logits = [.. root.GetProperty("logit").EnumerateArray().Select(e => e.GetDouble())];
        Classes = [.. root.GetProperty("predict").EnumerateArray().Select(e => e.GetInt32())];
    }

    public static BreastCancerModel Shared => SharedInstance.Value;

    /// <summary>The model document (HeCompute JSON).</summary>
    public string ModelJson { get; }

    /// <summary>Raw test records (30 features each).</summary>
    public double[][] Records { get; }

    /// <summary>sklearn's logits of the test records.</summary>
    public double[] Logits { get; }

    /// <summary>sklearn's classes of the test records.</summary>
    public int[] Classes { get; }
}
