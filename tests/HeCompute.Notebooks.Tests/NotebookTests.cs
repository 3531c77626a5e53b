using System.Diagnostics;
using System.Text.Json;

namespace HeCompute.Notebooks.Tests;

/// <summary>
/// Executes every notebook under notebooks/ top to bottom with nbconvert, into a scratch copy (the committed notebooks
/// keep the outputs of their recorded run). A notebook fails on any error, including its own asserts on key numbers.
/// </summary>
public sealed class NotebookTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    public static TheoryData<string> Notebooks() => new(NotebookNames());

    private static string[] NotebookNames() =>
        [.. Directory.GetFiles(Path.Combine(RepoRoot(), "notebooks"), "*.ipynb").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_walkthrough_of_the_issue_is_there()
    {
        var names = NotebookNames();
        foreach (var prefix in new[] { "01-", "02-", "03-", "04-", "05-" })
        {
            Assert.Contains(names, n => n.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_top_to_bottom(string notebook)
    {
        var root = RepoRoot();
        var scratch = Directory.CreateTempSubdirectory("hecompute-notebook-").FullName;
        try
        {
            var start = new ProcessStartInfo("jupyter-nbconvert")
            {
                WorkingDirectory = Path.Combine(root, "notebooks"),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--to", "notebook", "--execute", $"--ExecutePreprocessor.timeout={(int)Limit.TotalSeconds}",
                "--output-dir", scratch, notebook,
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
            start.Environment["HECOMPUTE_CONFIGURATION"] = BuildConfiguration();
            using var process = Start(start);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Limit + TimeSpan.FromMinutes(1));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{notebook} did not finish within {Limit}.");
            }

            var log = await stderr + await stdout;
            Assert.True(process.ExitCode == 0, $"{notebook} failed (exit {process.ExitCode}):\n{Tail(log, 6000)}");
            var executed = Path.Combine(scratch, notebook);
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(executed));
            foreach (var cell in document.RootElement.GetProperty("cells").EnumerateArray())
            {
                if (cell.GetProperty("cell_type").GetString() != "code")
                {
                    continue;
                }

                foreach (var output in cell.GetProperty("outputs").EnumerateArray())
                {
                    Assert.NotEqual("error", output.GetProperty("output_type").GetString());
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("jupyter-nbconvert did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "jupyter-nbconvert is not installed. ./test.sh installs it (Debian: apt-get install jupyter-nbconvert " +
                "python3-ipykernel python3-pandas python3-matplotlib python3-pydicom python3-numpy).", e);
        }
    }

    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HeCompute.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("HeCompute.sln not found above " + AppContext.BaseDirectory);
    }
}
