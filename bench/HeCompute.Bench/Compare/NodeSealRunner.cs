using System.Diagnostics;
using System.Globalization;

namespace HeCompute.Bench.Compare;

/// <summary>
/// Runs the node-seal reference benchmark (<see cref="RepoPaths.SealBenchScript"/>) with the Node binary that
/// <see cref="RepoPaths.InstallScript"/> installs and prints, and reads its JSON.
/// </summary>
public static class NodeSealRunner
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan BenchTimeout = TimeSpan.FromMinutes(30);

    /// <summary>node-seal's medians, or an error message when the runner could not be run.</summary>
    public static (NodeSealResults? Results, string? Error) Run(string root, IReadOnlyList<int> degrees, bool quick)
    {
        ArgumentNullException.ThrowIfNull(degrees);
        var install = Path.Combine(root, RepoPaths.InstallScript);
        var script = Path.Combine(root, RepoPaths.SealBenchScript);
        foreach (var file in new[] { install, script })
        {
            if (!File.Exists(file))
            {
                return (null, $"{file} not found (pass --seal-root <checkout that has it>)");
            }
        }

        var (installCode, installOut) = Exec("bash", [install], root, InstallTimeout);
        var node = installOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (installCode != 0 || node is null || !File.Exists(node))
        {
            return (null, $"{RepoPaths.InstallScript} failed (exit {installCode}); no node binary");
        }

        var arguments = new List<string> { "--experimental-wasm-exnref", script };
        arguments.AddRange(BenchArguments(degrees, quick));
        var (code, stdout) = Exec(node, arguments, root, BenchTimeout);
        if (code != 0)
        {
            return (null, $"{RepoPaths.SealBenchScript} exited with {code}");
        }

        try
        {
            var results = NodeSealResults.Parse(stdout);
            return results.Medians.Count == 0 ? (null, $"{RepoPaths.SealBenchScript} printed no medians") : (results, null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, $"{RepoPaths.SealBenchScript} did not print its JSON: {e.Message}");
        }
    }

    /// <summary>
    /// The runner's options: the ring degrees, and the repetitions and warm-up fraction spelled out (the same
    /// <see cref="Repetitions.For"/> as ours), so both sides run the same counts whatever the runner's defaults.
    /// </summary>
    public static IEnumerable<string> BenchArguments(IReadOnlyList<int> degrees, bool quick)
    {
        ArgumentNullException.ThrowIfNull(degrees);
        yield return "--sizes";
        yield return string.Join(',', degrees.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        foreach (var n in degrees)
        {
            yield return "--reps" + n.ToString(CultureInfo.InvariantCulture);
            yield return Repetitions.For(n, quick).Calls.ToString(CultureInfo.InvariantCulture);
        }

        yield return "--warmup";
        yield return Repetitions.WarmupFraction.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a process; its stderr goes to ours as it comes, its stdout is returned.</summary>
    internal static (int ExitCode, string Stdout) Exec(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine(e.Data);
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, string.Empty);
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult());
    }
}
