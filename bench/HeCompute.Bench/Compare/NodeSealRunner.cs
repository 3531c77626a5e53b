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

    /// <summary>node-seal medians per (N, op), or an error message when the runner could not be run.</summary>
    public static (Dictionary<(int N, string Op), double> Results, string? Error) Run(string root, IReadOnlyList<int> degrees, bool quick)
    {
        ArgumentNullException.ThrowIfNull(degrees);
        var install = Path.Combine(root, RepoPaths.InstallScript);
        var script = Path.Combine(root, RepoPaths.SealBenchScript);
        foreach (var file in new[] { install, script })
        {
            if (!File.Exists(file))
            {
                return ([], $"{file} not found (pass --seal-root <checkout that has it>)");
            }
        }

        var (installCode, installOut) = Exec("bash", [install], root, InstallTimeout);
        var node = installOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (installCode != 0 || node is null || !File.Exists(node))
        {
            return ([], $"{RepoPaths.InstallScript} failed (exit {installCode}); no node binary");
        }

        var arguments = new List<string> { "--experimental-wasm-exnref", script };
        arguments.AddRange(BenchArguments(degrees, quick));
        var (code, stdout) = Exec(node, arguments, root, BenchTimeout);
        if (code != 0)
        {
            return ([], $"{RepoPaths.SealBenchScript} exited with {code}");
        }

        try
        {
            var results = NodeSealResults.Parse(stdout);
            return results.Count == 0 ? ([], $"{RepoPaths.SealBenchScript} printed no results we recognise") : (results, null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return ([], $"{RepoPaths.SealBenchScript} did not print JSON: {e.Message}");
        }
    }

    /// <summary>The runner's command line after the script: the ring degrees, the repetitions, and --quick.</summary>
    public static IEnumerable<string> BenchArguments(IReadOnlyList<int> degrees, bool quick)
    {
        ArgumentNullException.ThrowIfNull(degrees);
        yield return "--n";
        yield return string.Join(',', degrees.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        if (quick)
        {
            yield return "--quick";
        }
    }

    /// <summary>Runs a process; its stderr goes to ours as it comes, its stdout is returned.</summary>
    private static (int ExitCode, string Stdout) Exec(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
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
