namespace HeCompute.Server.Storage;

/// <summary>
/// Directories 0700 and files 0600 for everything under the data directory: it holds model weights (a model owner's
/// private asset), key sets and the first admin key, so no other local user may read it. No-ops on Windows, whose
/// ACLs are inherited from the parent directory.
/// </summary>
public static class PrivateFiles
{
    /// <summary>Owner read, write and search.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Owner read and write.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) 0700, and tightens it to 0700 if it already existed.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        Restrict(path, DirectoryMode);
    }

    /// <summary>Creates <paramref name="path"/> 0700 if missing, leaving an existing directory as it is (for hot paths).</summary>
    public static void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>Tightens an existing file to 0600; does nothing when it does not exist.</summary>
    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            Restrict(path, FileMode);
        }
    }

    // Changes the mode only when it is wider than wanted; fails closed, with the fix, when this user may not change it.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Restrict(string path, UnixFileMode mode)
    {
        if (File.GetUnixFileMode(path) == mode)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, mode);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException(
                $"'{path}' is accessible to other users and this user may not restrict it; run: chmod {(mode == DirectoryMode ? "700" : "600")} '{path}'", e);
        }
    }

    /// <summary>Options for a new file that is created 0600 (never briefly wider).</summary>
    public static FileStreamOptions CreateOptions(System.IO.FileMode mode, int bufferSize, FileOptions options)
    {
        var stream = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            stream.UnixCreateMode = FileMode;
        }

        return stream;
    }

    /// <summary>Writes <paramref name="text"/> to a file only the owner can read, replacing any earlier content.</summary>
    public static void WriteSecret(string path, string text)
    {
        // An existing file keeps its mode when truncated: tighten it before the secret goes in.
        Tighten(path);
        using var stream = new FileStream(path, CreateOptions(System.IO.FileMode.Create, 4096, FileOptions.None));
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
