using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>One compressed file made and decoded by dcmtk/gdcm/pydicom (see make_codec_fixtures.py).</summary>
public sealed record OracleCase(
    string Name,
    string File,
    string TransferSyntax,
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    bool Signed,
    int PlanarConfiguration,
    string Photometric,
    string DecodedPhotometric,
    int Frames,
    string Expected,
    string[] FrameFiles,
    int Tolerance,
    string Oracle,
    string Source)
{
    public override string ToString() => Name;
}

/// <summary>Runs a Python fixture script once per test process (it needs /usr/bin/python3 with pydicom and numpy,
/// and the oracle tools it names, all installed by test.sh) and fails loudly when it cannot.</summary>
internal sealed class FixtureSet(string script)
{
    private readonly Lazy<(string Dir, IReadOnlyList<OracleCase> Cases)> _data = new(() => Generate(script), LazyThreadSafetyMode.ExecutionAndPublication);

    public string Directory => _data.Value.Dir;

    public IReadOnlyList<OracleCase> Cases => _data.Value.Cases;

    public OracleCase Get(string name) => Cases.Single(c => c.Name == name);

    public string PathOf(string file) => System.IO.Path.Combine(Directory, file);

    private static (string, IReadOnlyList<OracleCase>) Generate(string script)
    {
        string dir = OracleFixtures.GenerateOnce(System.IO.Path.Combine(OracleFixtures.SourceDirectory(), script), "manifest.json");
        var cases = JsonSerializer.Deserialize<List<OracleCase>>(
            File.ReadAllText(System.IO.Path.Combine(dir, "manifest.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return (dir, cases);
    }
}

/// <summary>The codec fixtures of make_codec_fixtures.py (dcmtk, gdcm: RLE, JPEG, JPEG-LS) and of
/// make_j2k_fixtures.py (OpenJPEG, OpenJPH, gdcm: JPEG 2000 and HTJ2K).</summary>
internal static class OracleFixtures
{
    private static readonly FixtureSet Codecs = new("make_codec_fixtures.py");

    public static FixtureSet Jpeg2000 { get; } = new("make_j2k_fixtures.py");

    public static string Directory => Codecs.Directory;

    public static IReadOnlyList<OracleCase> Cases => Codecs.Cases;

    public static OracleCase Get(string name) => Codecs.Get(name);

    public static string SourceDirectory([CallerFilePath] string path = "") => System.IO.Path.GetDirectoryName(path)!;

    public static string RunPython(string script, params string[] args) =>
        ExternalTools.RunChecked(ExternalTools.Python, [script, .. args], TimeSpan.FromMinutes(10));

    /// <summary>Runs a fixture script into a directory named after the script's content hash, once: test discovery
    /// and execution (separate processes) and later runs share it; a lock file serialises concurrent runs.</summary>
    public static string GenerateOnce(string script, string marker)
    {
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(script)))[..16];
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hecompute-dicom-{System.IO.Path.GetFileNameWithoutExtension(script)}-{hash}");
        System.IO.Directory.CreateDirectory(System.IO.Path.GetTempPath());
        using var gate = WaitForLock(dir + ".lock");
        if (!File.Exists(System.IO.Path.Combine(dir, marker)))
        {
            if (System.IO.Directory.Exists(dir))
            {
                System.IO.Directory.Delete(dir, true);
            }

            RunPython(script, dir);
        }

        return dir;
    }

    private static FileStream WaitForLock(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(500);
            }
        }
    }
}
