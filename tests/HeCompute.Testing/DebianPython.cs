using System.Diagnostics;

namespace HeCompute.Testing;

/// <summary>
/// Runs the oracle scripts with Debian's Python (<c>/usr/bin/python3</c>, where python3-numpy, python3-sklearn,
/// python3-onnx and python3-pydicom live), failing loudly and naming the package when it cannot: the oracles must not
/// pass silently without it.
/// </summary>
public static class DebianPython
{
    /// <summary>Debian's Python, not a pyenv or virtual-environment one.</summary>
    public const string Python = "/usr/bin/python3";

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

    /// <summary>
    /// Runs <paramref name="script"/> from standard input with <paramref name="arguments"/> (sys.argv[1:]) and
    /// <paramref name="environment"/> added, and returns its standard output; fails naming <paramref name="needs"/>.
    /// </summary>
    public static string Run(string script, string needs, IReadOnlyList<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Execute(["-", .. arguments ?? []], script, needs, environment, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Runs the script file <paramref name="path"/> with <paramref name="arguments"/>, within <paramref name="timeout"/> (default: no limit).</summary>
    public static string RunFile(string path, string needs, IReadOnlyList<string>? arguments = null, TimeSpan? timeout = null)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The script {path} was not copied to the test output.");
        }

        return Execute([path, .. arguments ?? []], null, needs, null, timeout ?? Timeout.InfiniteTimeSpan);
    }

    private static string Execute(IReadOnlyList<string> arguments, string? input, string needs, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install Debian's {needs}.");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = input is not null };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {arguments[0]} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            var hint = stderr.Result.Contains("No module named", StringComparison.Ordinal) ? $" Install Debian's {needs} (test.sh does)." : "";
            throw new InvalidOperationException($"{Python} {arguments[0]} failed with exit code {process.ExitCode} ({needs} installed?).{hint}\n{stderr.Result}\n{stdout.Result}");
        }

        return stdout.Result;
    }
}
