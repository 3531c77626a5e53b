using System.Diagnostics;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>Runs a script with Debian's Python (<c>/usr/bin/python3</c>, where python3-sklearn and python3-onnx live).</summary>
internal static class DebianPython
{
    private const string Python = "/usr/bin/python3";

    /// <summary>
    /// The breast-cancer logistic regression every server test compares with: sklearn's data, a fixed stratified 70/30
    /// split, standardisation and L2 logistic regression (variables <c>bc, Xtr, Xte, ytr, yte, sc, lr</c>).
    /// </summary>
    public const string BreastCancerLogistic = """
import base64, json, sys
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
bc = load_breast_cancer()
Xtr, Xte, ytr, yte = train_test_split(bc.data, bc.target, test_size=0.3, random_state=42, stratify=bc.target)
sc = StandardScaler().fit(Xtr)
lr = LogisticRegression(C=0.1, max_iter=5000).fit(sc.transform(Xtr), ytr)

""";

    /// <summary>Runs <paramref name="script"/> from standard input and returns its standard output; fails naming <paramref name="needs"/>.</summary>
    public static string Run(string script, string needs)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install Debian's {needs}.");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Python} failed ({needs} installed?): {stderr.Result}");
        }

        return stdout;
    }
}
