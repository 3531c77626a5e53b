using HeCompute.Dicom.Imaging;
using HeCompute.Dicom.Web;

namespace HeCompute.Dicom.Tests.Web;

/// <summary>Our DICOMweb client against a real PACS: Debian's Orthanc with its DICOMweb plugin, holding pydicom's test
/// files (native, RLE, JPEG 2000) stored through Orthanc's own REST API. Searches find what was stored, retrieved
/// instances equal the files read from disk (attributes and every frame's pixels), a transcoded retrieve too.</summary>
public sealed class DicomWebClientTests : IClassFixture<DicomWebClientTests.Pacs>
{
    private static readonly string[] Files = ["CT_small.dcm", "MR_small_jp2klossless.dcm", "JPEG2000.dcm", "693_J2KI.dcm", "SC_rgb_rle.dcm"];
    private readonly Pacs _pacs;

    public DicomWebClientTests(Pacs pacs) => _pacs = pacs;

    private DicomWebClient Client => new(_pacs.Server.Http, _pacs.Server.DicomWebRoot);

    private static DicomFile Local(string name) => DicomFile.Open(Path.Combine(ExternalTools.PydicomTestFiles, name));

    [Fact]
    public async Task Studies_are_found_by_patient_modality_and_date()
    {
        var all = await Client.SearchStudiesAsync();
        Assert.Equal(Files.Select(f => Local(f).Dataset.GetString(DicomTag.StudyInstanceUID)).Distinct().Count(), all.Count);

        var ct = Local("CT_small.dcm").Dataset;
        var byPatient = await Client.SearchStudiesAsync(new Dictionary<string, string> { ["PatientID"] = ct.GetString(DicomTag.PatientID) });
        var study = Assert.Single(byPatient);
        Assert.Equal(ct.GetString(DicomTag.StudyInstanceUID), study.GetString(DicomTag.StudyInstanceUID));
        Assert.Equal(ct.GetString(DicomTag.PatientName), study.GetString(DicomTag.PatientName));

        var byModality = await Client.SearchStudiesAsync(new Dictionary<string, string> { ["ModalitiesInStudy"] = "NM" });
        Assert.Equal(Local("JPEG2000.dcm").Dataset.GetString(DicomTag.StudyInstanceUID), Assert.Single(byModality).GetString(DicomTag.StudyInstanceUID));

        string date = ct.GetString(DicomTag.StudyDate);
        var byDate = await Client.SearchStudiesAsync(new Dictionary<string, string> { ["StudyDate"] = $"{date}-{date}" });
        Assert.Contains(byDate, s => s.GetString(DicomTag.StudyInstanceUID) == ct.GetString(DicomTag.StudyInstanceUID));
        Assert.Empty(await Client.SearchStudiesAsync(new Dictionary<string, string> { ["PatientID"] = "nobody-here" }));
    }

    [Fact]
    public async Task Series_and_instances_of_a_study_are_listed()
    {
        var ct = Local("CT_small.dcm").Dataset;
        string studyUid = ct.GetString(DicomTag.StudyInstanceUID);
        var series = Assert.Single(await Client.SearchSeriesAsync(studyUid, new Dictionary<string, string> { ["Modality"] = "CT" }));
        Assert.Equal(ct.GetString(DicomTag.SeriesInstanceUID), series.GetString(DicomTag.SeriesInstanceUID));
        var instance = Assert.Single(await Client.SearchInstancesAsync(studyUid, ct.GetString(DicomTag.SeriesInstanceUID)));
        Assert.Equal(ct.GetString(DicomTag.SOPInstanceUID), instance.GetString(DicomTag.SOPInstanceUID));
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public async Task A_retrieved_instance_equals_the_file_on_disk(string name)
    {
        var local = Local(name);
        var ds = local.Dataset;
        var retrieved = await Client.RetrieveInstanceAsync(ds.GetString(DicomTag.StudyInstanceUID), ds.GetString(DicomTag.SeriesInstanceUID), ds.GetString(DicomTag.SOPInstanceUID));
        Assert.Equal(local.TransferSyntax.Uid, retrieved.TransferSyntax.Uid);
        foreach (var tag in new[] { DicomTag.PatientID, DicomTag.Modality, DicomTag.Rows, DicomTag.Columns, DicomTag.SOPClassUID })
        {
            Assert.Equal(ds.Contains(tag) ? ds.GetString(tag) : null, retrieved.Dataset.Contains(tag) ? retrieved.Dataset.GetString(tag) : null);
        }

        AssertSamePixels(DicomPixelData.Create(ds), DicomPixelData.Create(retrieved.Dataset));
    }

    public static TheoryData<string> FileNames() => [.. Files];

    [Fact]
    public async Task A_transcoded_retrieve_gives_the_same_pixels_in_the_asked_syntax()
    {
        var local = Local("SC_rgb_rle.dcm");
        var ds = local.Dataset;
        var retrieved = await Client.RetrieveInstanceAsync(ds.GetString(DicomTag.StudyInstanceUID), ds.GetString(DicomTag.SeriesInstanceUID), ds.GetString(DicomTag.SOPInstanceUID), DicomTransferSyntax.ExplicitVRLittleEndian.Uid);
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, retrieved.TransferSyntax.Uid);
        AssertSamePixels(DicomPixelData.Create(ds), DicomPixelData.Create(retrieved.Dataset));
    }

    [Fact]
    public async Task Every_instance_of_a_study_is_retrieved_one_at_a_time()
    {
        var ds = Local("MR_small_jp2klossless.dcm").Dataset;
        var files = new List<DicomFile>();
        await foreach (var file in Client.RetrieveAllAsync(ds.GetString(DicomTag.StudyInstanceUID)))
        {
            files.Add(file);
        }

        Assert.Equal(ds.GetString(DicomTag.SOPInstanceUID), Assert.Single(files).Dataset.GetString(DicomTag.SOPInstanceUID));
    }

    [Fact]
    public async Task A_deidentified_copy_is_stored_with_stow_and_found_again()
    {
        // A research PACS of its own (the shared one's study count is asserted above).
        using var research = new OrthancServer();
        var client = new DicomWebClient(research.Http, research.DicomWebRoot);
        var deidentifier = new HeCompute.Dicom.Deidentification.DicomDeidentifier(new HeCompute.Dicom.Deidentification.DeidentificationOptions(HeCompute.Dicom.Tests.Deidentification.EveryAttributeTests.Secret));
        var (copy, _) = deidentifier.Deidentify(Local("CT_small.dcm"));
        var result = await client.StoreAsync([copy]);
        string sop = copy.Dataset.GetString(DicomTag.SOPInstanceUID);
        Assert.Equal([sop], result.Stored);
        Assert.Empty(result.Failed);

        var study = Assert.Single(await client.SearchStudiesAsync());
        Assert.Equal(copy.Dataset.GetString(DicomTag.StudyInstanceUID), study.GetString(DicomTag.StudyInstanceUID));
        Assert.NotEqual(Local("CT_small.dcm").Dataset.GetString(DicomTag.PatientName), study.GetString(DicomTag.PatientName));
        var back = await client.RetrieveInstanceAsync(study.GetString(DicomTag.StudyInstanceUID), copy.Dataset.GetString(DicomTag.SeriesInstanceUID), sop);
        AssertSamePixels(DicomPixelData.Create(Local("CT_small.dcm").Dataset), DicomPixelData.Create(back.Dataset));
    }

    [Fact]
    public async Task Unknown_instances_and_bad_uids_are_refused_clearly()
    {
        var e = await Assert.ThrowsAsync<DicomWebException>(() => Client.RetrieveInstanceAsync("1.2.3", "1.2.3.4", "1.2.3.4.5"));
        Assert.Equal(404, e.StatusCode);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.RetrieveInstanceAsync("1.2.3/../..", "1", "2"));
    }

    private static void AssertSamePixels(DicomPixelData expected, DicomPixelData actual)
    {
        Assert.Equal(expected.FrameCount, actual.FrameCount);
        for (int f = 0; f < expected.FrameCount; f++)
        {
            Assert.True(expected.GetFrameBytes(f).AsSpan().SequenceEqual(actual.GetFrameBytes(f)), $"frame {f}");
        }
    }

    /// <summary>One Orthanc for the class, holding the files.</summary>
    public sealed class Pacs : IDisposable
    {
        public Pacs()
        {
            Server = new OrthancServer();
            try
            {
                foreach (string file in Files)
                {
                    Server.Store(Path.Combine(ExternalTools.PydicomTestFiles, file));
                }
            }
            catch
            {
                Server.Dispose();
                throw;
            }
        }

        public OrthancServer Server { get; }

        public void Dispose() => Server.Dispose();
    }
}
