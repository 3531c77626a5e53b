using System.Text.Json;
using HeCompute.Cli;
using HeCompute.Dicom;

namespace HeCompute.EndToEnd.Tests;

/// <summary><c>dicom deid</c> and <c>features</c> of an ultrasound image (burned-in annotation likely, not marked NO):
/// refused with a policy error naming the option, accepted with <c>--allow-burned-in-annotation</c> and a warning that
/// the pixel text stays. Local commands only: no server is started.</summary>
public sealed class CliBurnedInAnnotationTests : IDisposable
{
    private readonly TempDirectory _work = new();

    private CliProcess Cli => new(new Uri("http://127.0.0.1:9"), Path.Combine(_work.Path, "keys"));

    [Fact]
    public async Task An_ultrasound_image_is_refused_by_policy_and_accepted_with_the_option_and_a_warning()
    {
        var image = SyntheticCtImages.Write(Path.Combine(_work.Path, "images"), 1, seed: 5)[0].Path;
        var file = DicomFile.Open(image);
        file.Dataset.AddOrUpdate(DicomTag.Modality, "US");
        file.Dataset.Remove(DicomTag.BurnedInAnnotation);
        string us = Path.Combine(_work.Path, "us.dcm");
        file.Save(us);
        string output = Path.Combine(_work.Path, "us-deid.dcm");

        var (code, stdout, _) = await Cli.RunAsync("unused", "dicom", "deid", us, output, "--json");
        Assert.NotEqual(0, code);
        var problem = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("De-identification policy", problem.GetProperty("title").GetString());
        Assert.Contains("--allow-burned-in-annotation", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        (code, stdout, var stderr) = await Cli.RunAsync("unused", "dicom", "deid", us, output, "--allow-burned-in-annotation", "--json");
        Assert.True(code == 0, stderr);
        Assert.True(JsonDocument.Parse(stdout).RootElement.GetProperty("report").GetProperty("burned_in_annotation_accepted").GetBoolean());
        Assert.Contains("NOT removed", stderr, StringComparison.Ordinal);
        Assert.Equal("US", DicomFile.Open(output).Dataset.GetString(DicomTag.Modality));

        (code, _, _) = await Cli.RunAsync("unused", "features", us, "--json");
        Assert.NotEqual(0, code);
        var features = await Cli.JsonAsync("unused", "features", us, "--allow-burned-in-annotation");
        Assert.Equal(1, features.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task Clean_pixels_blanks_the_ultrasound_header_band_and_given_rectangles_and_marks_the_file()
    {
        var image = SyntheticCtImages.Write(Path.Combine(_work.Path, "images"), 1, seed: 6)[0].Path;
        var file = DicomFile.Open(image);
        file.Dataset.AddOrUpdate(DicomTag.Modality, "US");
        file.Dataset.AddOrUpdate(DicomTag.BurnedInAnnotation, "YES");
        string us = Path.Combine(_work.Path, "us.dcm");
        file.Save(us);
        string output = Path.Combine(_work.Path, "us-clean.dcm");

        var (code, stdout, stderr) = await Cli.RunAsync("unused", "dicom", "deid", us, output, "--clean-pixels", "default", "--clean-rect", "2,40,3,4", "--json");
        Assert.True(code == 0, stderr + stdout);
        var report = JsonDocument.Parse(stdout).RootElement.GetProperty("report");
        Assert.True(report.GetProperty("pixels_cleaned").GetBoolean());
        Assert.False(report.GetProperty("burned_in_annotation_accepted").GetBoolean());
        var before = Dicom.Imaging.DicomPixelData.Create(DicomFile.Open(us).Dataset);
        int band = (int)Math.Ceiling(before.Rows * 0.1);
        var rectangles = report.GetProperty("cleaned_rectangles").EnumerateArray()
            .Select(r => (X: r.GetProperty("x").GetInt32(), Y: r.GetProperty("y").GetInt32(), W: r.GetProperty("width").GetInt32(), H: r.GetProperty("height").GetInt32())).ToList();
        Assert.Equal([(2, 40, 3, 4), (0, 0, before.Columns, band)], rectangles);
        Assert.Contains("113101", report.GetProperty("method_codes").EnumerateArray().Select(c => c.GetString()));

        var cleaned = DicomFile.Open(output).Dataset;
        Assert.Equal("NO", cleaned.GetString(DicomTag.BurnedInAnnotation));
        var a = before.GetFrameValues(0, Dicom.Imaging.PixelOutput.StoredValues);
        var b = Dicom.Imaging.DicomPixelData.Create(cleaned).GetFrameValues(0, Dicom.Imaging.PixelOutput.StoredValues);
        float black = before.IsSigned ? -(1 << (before.BitsStored - 1)) : 0;
        for (int i = 0; i < a.Length; i++)
        {
            int x = i % before.Columns, y = i / before.Columns;
            bool inside = y < band || (x is >= 2 and < 5 && y is >= 40 and < 44);
            Assert.Equal(inside ? black : a[i], b[i]);
        }

        (code, stdout, _) = await Cli.RunAsync("unused", "dicom", "deid", us, output, "--clean-rect", "1,2,3", "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("--clean-rect '1,2,3'", JsonDocument.Parse(stdout).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (code, stdout, _) = await Cli.RunAsync("unused", "dicom", "deid", us, output, "--clean-pixels", "everything", "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("the only value is 'default'", JsonDocument.Parse(stdout).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var features = await Cli.JsonAsync("unused", "features", us, "--clean-pixels", "default");
        Assert.Equal(1, features.GetProperty("records").GetArrayLength());
    }

    public void Dispose() => _work.Dispose();
}
