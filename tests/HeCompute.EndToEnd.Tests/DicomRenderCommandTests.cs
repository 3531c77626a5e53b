using System.Diagnostics;

namespace HeCompute.EndToEnd.Tests;

/// <summary><c>hecompute dicom render</c> as a process, checked against pydicom and numpy.</summary>
public sealed class DicomRenderCommandTests : IDisposable
{
    private const string PydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly TempDirectory _directory = new();
    private readonly CliProcess _cli;

    public DicomRenderCommandTests() => _cli = new CliProcess(new Uri("http://127.0.0.1:9"), Path.Combine(_directory.Path, "keys"));

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    public async Task Modality_and_windowed_values_equal_pydicoms(string name)
    {
        var source = Path.Combine(PydicomFiles, name);
        var modality = Path.Combine(_directory.Path, "modality.npy");
        var display = Path.Combine(_directory.Path, "display.npy");
        var rendered = await _cli.JsonAsync(string.Empty, "dicom", "render", source, "--out", modality);
        Assert.Equal("modality", rendered.GetProperty("values").GetString());
        await _cli.JsonAsync(string.Empty, "dicom", "render", source, "--out", display, "--values", "display", "--window", "100", "500");

        // PS3.3 C.11.2.1.2.1: linear VOI window, output in [0, 1].
        var script = $$"""
            import numpy as np, pydicom
            from pydicom.pixel_data_handlers.util import apply_modality_lut
            ds = pydicom.dcmread("{{source}}")
            expected = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
            got = np.load("{{modality}}").astype(np.float64)
            assert got.shape == expected.shape, (got.shape, expected.shape)
            assert np.abs(got - expected).max() == 0, np.abs(got - expected).max()
            c, w = 100.0, 500.0
            window = np.clip((expected - (c - 0.5)) / (w - 1) + 0.5, 0, 1)
            shown = np.load("{{display}}").astype(np.float64)
            assert np.abs(shown - window).max() < 1e-5, np.abs(shown - window).max()
            print("ok")
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(script);
        python.StandardInput.Close();
        var stdout = await python.StandardOutput.ReadToEndAsync();
        var stderr = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0 && stdout.Trim() == "ok", stdout + stderr);
    }

    [Fact]
    public async Task A_file_without_pixels_or_a_missing_frame_is_a_clear_error()
    {
        var (code, stdout, _) = await _cli.RunAsync(string.Empty, "dicom", "render", Path.Combine(PydicomFiles, "rtplan.dcm"), "--out", Path.Combine(_directory.Path, "x.npy"), "--json");
        Assert.Equal(1, code);
        Assert.Contains("no Pixel Data", stdout, StringComparison.Ordinal);
        (code, stdout, _) = await _cli.RunAsync(string.Empty, "dicom", "render", Path.Combine(PydicomFiles, "CT_small.dcm"), "--out", Path.Combine(_directory.Path, "x.npy"), "--frame", "3", "--json");
        Assert.Equal(1, code);
        Assert.Contains("Frame 3 does not exist", stdout, StringComparison.Ordinal);
    }
}
