using System.Diagnostics;
using System.Text;

namespace HeCompute.Dicom.Tests;

/// <summary>
/// Locates the independent DICOM tools the tests use as oracles (installed by test.sh from Debian packages): pydicom
/// (under /usr/bin/python3, not a pyenv python), dcmtk and gdcm. A missing tool fails the test loudly; nothing is skipped.
/// </summary>
public static class ExternalTools
{
    /// <summary>The python that has pydicom and numpy (Debian's).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>pydicom's test files.</summary>
    public const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    /// <summary>pydicom's character set test files.</summary>
    public const string PydicomCharsetFiles = "/usr/lib/python3/dist-packages/pydicom/data/charset_files";

    /// <summary>Every *.dcm test file shipped with pydicom (fails when pydicom's data is missing).</summary>
    public static IReadOnlyList<string> PydicomFiles()
    {
        RequireDirectory(PydicomTestFiles, "python3-pydicom");
        var files = Directory.GetFiles(PydicomTestFiles, "*.dcm").Order(StringComparer.Ordinal).ToArray();
        if (files.Length < 40)
        {
            throw new InvalidOperationException($"Expected pydicom's ~68 test files in {PydicomTestFiles}, found {files.Length}. Run test.sh (installs python3-pydicom).");
        }

        return files;
    }

    /// <summary>pydicom's data folder (test_files, charset_files).</summary>
    public const string PydicomData = "/usr/lib/python3/dist-packages/pydicom/data";

    /// <summary>Every *.dcm file of pydicom's character set tests.</summary>
    public static IReadOnlyList<string> PydicomCharsetFileList()
    {
        RequireDirectory(PydicomCharsetFiles, "python3-pydicom");
        return Directory.GetFiles(PydicomCharsetFiles, "*.dcm").Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The full path of an executable on PATH (or an absolute path) — throws naming the Debian package when missing.</summary>
    public static string Require(string tool, string package)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : throw Missing(tool, package);
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (dir.Length == 0)
            {
                continue;
            }

            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (string dir in new[] { "/usr/bin", "/usr/local/bin" })
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(tool, package);
    }

    /// <summary>dcmtk's tools (dcmdump, dcm2json, dcmconv, dcmcrle, dcmdrle, dcmcjpeg, dcmdjpeg, dcmcjpls, dcmdjpls).</summary>
    public static string Dcmtk(string tool) => Require(tool, "dcmtk");

    /// <summary>gdcm's tools (gdcmconv, gdcmdump).</summary>
    public static string Gdcm(string tool) => Require(tool, "libgdcm-tools");

    /// <summary>/usr/bin/python3 with pydicom importable.</summary>
    public static string PythonWithPydicom()
    {
        string python = Require(Python, "python3-pydicom");
        var result = Run(python, ["-c", "import pydicom"], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
        {
            throw Missing("pydicom (import pydicom failed: " + result.StandardError.Trim() + ")", "python3-pydicom");
        }

        return python;
    }

    /// <summary>The result of running a process.</summary>
    public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs a process to completion (killed and failed after <paramref name="timeout"/>).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a process and throws when it fails.</summary>
    public static string RunChecked(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var list = arguments.ToList();
        var result = Run(fileName, list, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', list)} exited with {result.ExitCode}: {result.StandardError}");
        }

        return result.StandardOutput;
    }

    /// <summary>A directory under the test run's temp folder (unique per call).</summary>
    public static string TempDirectory(string purpose)
    {
        string dir = Path.Combine(Path.GetTempPath(), "hecompute-dicom-tests", purpose + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void RequireDirectory(string path, string package)
    {
        if (!Directory.Exists(path))
        {
            throw Missing(path, package);
        }
    }

    private static InvalidOperationException Missing(string what, string package) =>
        new($"Required test oracle '{what}' is missing: install the Debian package '{package}' (test.sh does). Tests never skip silently.");
}
