using System.Diagnostics;
using System.Text.Json;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// Runs the built <c>hecompute</c> tool as a separate process (<c>dotnet hecompute.dll …</c>); without
/// <paramref name="withPassphrase"/> the key store passphrase is not in the environment, so any command that needs a
/// secret key fails (stdin is not a terminal to ask on).
/// </summary>
internal sealed class CliProcess(Uri server, string keyStore, bool withPassphrase = true)
{
    public const string Passphrase = "cli e2e passphrase";

    /// <summary>
    /// The tool in its own build output (same configuration as the tests; the project reference builds it). The copy
    /// next to the tests cannot run: this test project uses the ASP.NET Core shared framework, so the tool's package
    /// dependencies that the framework also contains are not copied beside it.
    /// </summary>
    private static string Dll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var root = output;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "HeCompute.sln")))
            {
                root = root.Parent;
            }

            var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("HeCompute.sln not found above " + AppContext.BaseDirectory), "client-sdk", "HeCompute.Cli", "bin", configuration, framework, "hecompute.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build client-sdk/HeCompute.Cli first.", dll);
        }
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string apiKey, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--server");
        start.ArgumentList.Add(server.ToString());
        start.ArgumentList.Add("--key-store");
        start.ArgumentList.Add(keyStore);
        start.Environment["HECOMPUTE_API_KEY"] = apiKey;
        if (withPassphrase)
        {
            start.Environment["HECOMPUTE_PASSPHRASE"] = Passphrase;
        }
        else
        {
            start.Environment.Remove("HECOMPUTE_PASSPHRASE");
        }

        start.Environment["HECOMPUTE_DEID_SECRET"] = "e2e de-identification secret";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs with --json, expects success and parses stdout as the one JSON document it must be.</summary>
    public async Task<JsonElement> JsonAsync(string apiKey, params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(apiKey, [.. args, "--json"]);
        Assert.True(code == 0, $"hecompute {string.Join(' ', args)} exited {code}\nstdout: {stdout}\nstderr: {stderr}");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }
}
