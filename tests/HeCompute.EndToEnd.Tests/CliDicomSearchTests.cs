using HeCompute.Cli;
using HeCompute.Dicom;
using HeCompute.Dicom.Tests.Web;

namespace HeCompute.EndToEnd.Tests;

/// <summary><c>dicom search --dicomweb</c> against Orthanc (started here on a free loopback port): studies found by
/// patient ID, modality and date, as stored. Local to the hospital's machine: no HeCompute server is started.</summary>
public sealed class CliDicomSearchTests : IDisposable
{
    private readonly TempDirectory _work = new();

    private CliProcess Cli => new(new Uri("http://127.0.0.1:9"), Path.Combine(_work.Path, "keys"));

    [Fact]
    public async Task Studies_in_a_pacs_are_found_by_patient_modality_and_date()
    {
        using var pacs = new OrthancServer();
        var images = SyntheticCtImages.Write(Path.Combine(_work.Path, "images"), 2, seed: 8);
        var second = DicomFile.Open(images[1].Path);
        second.Dataset.AddOrUpdate(DicomTag.PatientID, "OTHER-7");
        second.Dataset.AddOrUpdate(DicomTag.StudyInstanceUID, second.Dataset.GetString(DicomTag.StudyInstanceUID) + ".2");
        second.Dataset.AddOrUpdate(DicomTag.StudyDate, "19990101");
        second.Dataset.AddOrUpdate(DicomTag.Modality, "MR");
        string secondPath = Path.Combine(_work.Path, "second.dcm");
        second.Save(secondPath);
        pacs.Store(images[0].Path);
        pacs.Store(secondPath);
        var first = DicomFile.Open(images[0].Path).Dataset;
        string url = pacs.DicomWebRoot.ToString();

        var byPatient = (await Cli.JsonAsync("unused", "dicom", "search", "--dicomweb", url, "--patient-id", first.GetString(DicomTag.PatientID))).GetProperty("studies");
        Assert.Equal(first.GetString(DicomTag.StudyInstanceUID), Assert.Single(byPatient.EnumerateArray()).GetProperty("study_instance_uid").GetString());

        var byModality = (await Cli.JsonAsync("unused", "dicom", "search", "--dicomweb", url, "--modality", "MR")).GetProperty("studies");
        Assert.Equal("OTHER-7", Assert.Single(byModality.EnumerateArray()).GetProperty("patient_id").GetString());

        var byDate = (await Cli.JsonAsync("unused", "dicom", "search", "--dicomweb", url, "--study-date", "19980101-19991231")).GetProperty("studies");
        Assert.Equal("19990101", Assert.Single(byDate.EnumerateArray()).GetProperty("study_date").GetString());

        Assert.Equal(2, (await Cli.JsonAsync("unused", "dicom", "search", "--dicomweb", url)).GetProperty("studies").GetArrayLength());
        var (code, stdout, _) = await Cli.RunAsync("unused", "dicom", "search", "--dicomweb", "pacs-without-scheme", "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("not an http(s) address", stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();
}
