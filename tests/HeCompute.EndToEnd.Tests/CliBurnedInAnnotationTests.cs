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

    public void Dispose() => _work.Dispose();
}
