namespace HeCompute.Bench.Compare;

/// <summary>Finds the repository root, against which the node-seal runner's repo-relative paths are resolved.</summary>
public static class RepoPaths
{
    /// <summary>Installs node-seal and a Node 26 binary; prints the node binary's path.</summary>
    public const string InstallScript = "tests/interop/install.sh";

    /// <summary>The node-seal reference benchmark.</summary>
    public const string SealBenchScript = "bench/seal-reference/bench.mjs";

    /// <summary>The nearest directory holding HeCompute.sln, from the working directory up, then from the binary up.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "HeCompute.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("No HeCompute.sln above the working directory or the binary; pass --seal-root <repo>.");
    }
}
