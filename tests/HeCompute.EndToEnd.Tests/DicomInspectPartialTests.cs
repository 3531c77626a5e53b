using System.Text.Json;

namespace HeCompute.EndToEnd.Tests;

/// <summary><c>hecompute dicom inspect</c> of a damaged file, as a process: the sound elements, then where and why it breaks.</summary>
public sealed class DicomInspectPartialTests : IDisposable
{
    private const string CtSmall = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";
    private readonly TempDirectory _directory = new();
    private readonly CliProcess _cli;

    public DicomInspectPartialTests() => _cli = new CliProcess(new Uri("http://127.0.0.1:9"), Path.Combine(_directory.Path, "keys"));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_truncated_file_shows_the_sound_elements_and_names_the_first_unsound_one()
    {
        // CT_small cut 1000 bytes into its native pixel data: everything before Pixel Data is sound.
        var intact = Dicom.DicomFile.Open(CtSmall);
        var pixelData = (Dicom.DicomElement)intact.Dataset.GetItem(Dicom.DicomTag.PixelData)!;
        var cut = Path.Combine(_directory.Path, "cut.dcm");
        File.WriteAllBytes(cut, File.ReadAllBytes(CtSmall)[..(int)(pixelData.ValueOffset!.Value + 1000)]);

        var (code, stdout, stderr) = await _cli.RunAsync(string.Empty, "dicom", "inspect", cut, "--json");
        Assert.True(code == 1, $"exit {code}\n{stdout}\n{stderr}");
        using var document = JsonDocument.Parse(stdout);
        var result = document.RootElement;
        var unsound = result.GetProperty("unsound");
        Assert.Equal(Dicom.DicomTag.PixelData.ToString(), unsound.GetProperty("tag").GetString());
        Assert.Equal(pixelData.ValueOffset!.Value - 12, unsound.GetProperty("offset").GetInt64());
        Assert.Contains("remain", unsound.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var tags = result.GetProperty("elements").EnumerateArray().Select(e => e.GetProperty("tag").GetString()).ToList();
        Assert.Equal(intact.Dataset.TakeWhile(i => i.Tag != Dicom.DicomTag.PixelData).Select(i => i.Tag.ToString()), tags);

        // The human output says the same.
        var (humanCode, human, _) = await _cli.RunAsync(string.Empty, "dicom", "inspect", cut);
        Assert.Equal(1, humanCode);
        Assert.Contains($"unsound from {Dicom.DicomTag.PixelData}", human, StringComparison.Ordinal);

        // An intact file has no report and exits 0.
        var whole = await _cli.JsonAsync(string.Empty, "dicom", "inspect", CtSmall);
        Assert.Equal(JsonValueKind.Null, whole.TryGetProperty("unsound", out var none) ? none.ValueKind : JsonValueKind.Null);
    }
}
