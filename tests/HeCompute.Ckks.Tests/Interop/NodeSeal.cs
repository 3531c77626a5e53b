using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HeCompute.Ckks.Tests.Interop;

/// <summary>
/// Runs the SEAL oracle (<c>tests/interop/seal-oracle.mjs</c>: Microsoft SEAL 4.1 via node-seal 7.0.0,
/// WebAssembly, on the Node binary that <c>tests/interop/install.sh</c> installs) from tests.
/// </summary>
/// <remarks>
/// <para>The first use runs <c>tests/interop/install.sh</c> once per test run (thread-safe; cached,
/// including its failure): interop tests never skip, a broken install fails every test that uses it
/// with the installer's output.</para>
/// <para>Usage: <c>JsonElement r = NodeSeal.Run("decrypt", new { dir, @in = "ct.bin" });</c>.
/// Arguments are serialised with System.Text.Json (property names as written, C# <c>@in</c> gives
/// <c>"in"</c>; a <see cref="string"/> is taken as raw JSON) and passed through a temporary file,
/// so large value arrays are fine. The commands, arguments and result shapes are documented at the
/// top of <c>tests/interop/seal-oracle.mjs</c>.</para>
/// </remarks>
internal static class NodeSeal
{
    /// <summary>Default time limit for one oracle call.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions ArgsOptions = new()
    {
        WriteIndented = false,
    };

    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> NodeLazy = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The repository root (the folder holding <c>HeCompute.sln</c>).</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary><c>tests/interop</c> in the repository.</summary>
    public static string InteropDir => Path.Combine(RepoRoot, "tests", "interop");

    /// <summary>The oracle script.</summary>
    public static string OraclePath => Path.Combine(InteropDir, "seal-oracle.mjs");

    /// <summary>The Node (>= 24) binary the oracle runs on; installs it on first use.</summary>
    public static string NodePath => NodeLazy.Value;

    /// <summary>
    /// Runs one oracle command and returns its JSON result; throws <see cref="NodeSealException"/>
    /// (with SEAL's message from stderr) when the oracle fails, <see cref="TimeoutException"/> when it
    /// takes longer than <paramref name="timeout"/> (default <see cref="DefaultTimeout"/>).
    /// </summary>
    public static JsonElement Run(string command, object args, TimeSpan? timeout = null)
    {
        NodeSealResult r = Invoke(command, args, timeout);
        if (r.ExitCode != 0)
        {
            throw new NodeSealException(command, r.ExitCode, r.Stderr);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(r.Stdout);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new NodeSealException(
                command,
                r.ExitCode,
                $"oracle printed no valid JSON ({e.Message}); stdout: {Truncate(r.Stdout)}; stderr: {r.Stderr}");
        }
    }

    /// <summary>
    /// Runs a command that is expected to fail (e.g. SEAL must reject a file) and returns the
    /// oracle's error message; throws <see cref="NodeSealException"/> if it succeeded.
    /// </summary>
    public static string RunExpectingFailure(string command, object args, TimeSpan? timeout = null)
    {
        NodeSealResult r = Invoke(command, args, timeout);
        if (r.ExitCode == 0)
        {
            throw new NodeSealException(command, 0, $"expected the oracle to fail, but it succeeded: {Truncate(r.Stdout)}");
        }

        return r.Stderr.Trim();
    }

    /// <summary>Runs one oracle command and returns exit code, stdout and stderr as they are.</summary>
    public static NodeSealResult Invoke(string command, object args, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(args);
        string node = NodePath;
        string json = args as string ?? JsonSerializer.Serialize(args, args.GetType(), ArgsOptions);
        string argsFile = Path.Combine(Path.GetTempPath(), $"hecompute-seal-args-{Guid.NewGuid():N}.json");
        File.WriteAllText(argsFile, json, new UTF8Encoding(false));
        try
        {
            return Exec(
                node,
                ["--experimental-wasm-exnref", OraclePath, command, "@" + argsFile],
                InteropDir,
                timeout ?? DefaultTimeout,
                $"seal-oracle {command}");
        }
        finally
        {
            TryDelete(argsFile);
        }
    }

    /// <summary>Creates a fresh, empty directory for one test's SEAL files.</summary>
    public static TempDir CreateTempDir() => new();

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "HeCompute.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException(
            $"cannot find the repository root (a folder holding HeCompute.sln) above {AppContext.BaseDirectory}");
    }

    private static string Install()
    {
        string script = Path.Combine(InteropDir, "install.sh");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"SEAL oracle installer not found: {script}");
        }

        NodeSealResult r = Exec("bash", [script], InteropDir, InstallTimeout, "tests/interop/install.sh");
        string? node = r.Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault();
        if (r.ExitCode != 0 || node is null || !File.Exists(node))
        {
            throw new InvalidOperationException(
                $"tests/interop/install.sh failed (exit code {r.ExitCode}); interop tests need it.\n" +
                $"stdout:\n{r.Stdout}\nstderr:\n{r.Stderr}");
        }

        return node;
    }

    private static NodeSealResult Exec(string file, string[] arguments, string workingDirectory, TimeSpan timeout, string what)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = new Process { StartInfo = psi };
        var sw = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{what}: could not start {file}");
        }

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited meanwhile
            }

            process.WaitForExit();
            throw new TimeoutException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{what} did not finish within {timeout.TotalSeconds} s; stderr: {Truncate(SafeResult(stderr))}"));
        }

        process.WaitForExit(); // drains the redirected streams
        return new NodeSealResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), sw.Elapsed);
    }

    private static string SafeResult(Task<string> t)
    {
        try
        {
            return t.Wait(TimeSpan.FromSeconds(5)) ? t.Result : string.Empty;
        }
        catch (AggregateException)
        {
            return string.Empty;
        }
    }

    private static string Truncate(string s) => s.Length <= 2000 ? s : string.Concat(s.AsSpan(0, 2000), "...");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // best effort
        }
        catch (UnauthorizedAccessException)
        {
            // best effort
        }
    }
}

/// <summary>Exit code, output and duration of one oracle (or installer) run.</summary>
internal sealed record NodeSealResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

/// <summary>The SEAL oracle failed; <see cref="Exception.Message"/> holds its stderr.</summary>
internal sealed class NodeSealException : Exception
{
    public NodeSealException()
    {
    }

    public NodeSealException(string message)
        : base(message)
    {
    }

    public NodeSealException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NodeSealException(string command, int exitCode, string stderr)
        : base($"seal-oracle '{command}' failed (exit code {exitCode}): {stderr.Trim()}")
    {
        Command = command;
        ExitCode = exitCode;
        Stderr = stderr;
    }

    /// <summary>The oracle command that failed.</summary>
    public string Command { get; } = string.Empty;

    /// <summary>The oracle's exit code (1: SEAL or I/O error, 2: bad arguments).</summary>
    public int ExitCode { get; }

    /// <summary>What the oracle wrote to stderr.</summary>
    public string Stderr { get; } = string.Empty;
}

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hecompute-interop", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's absolute path.</summary>
    public string Path { get; }

    /// <summary>A file name inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        catch (UnauthorizedAccessException)
        {
            // best effort
        }
    }
}
