using HeCompute.Dicom.Tests.Model;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>Files transcoded by dcmtk and gdcm: our parse equals pydicom's; every encoding of one file gives the same dataset.</summary>
public class TranscodeTests
{
    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (string key in TranscodedCorpus.Keys())
        {
            data.Add(key);
        }

        return data;
    }

    public static TheoryData<string> DcmtkSources()
    {
        var data = new TheoryData<string>();
        foreach (string source in TranscodedCorpus.DcmtkSources)
        {
            data.Add(source);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TranscodedFileMatchesPydicom(string key)
    {
        var corpus = TranscodedCorpus.Instance;
        string path = corpus.Files[key];
        var oracle = corpus.Oracle[path];
        Assert.False(PydicomOracle.IsBroken(oracle, out string why), why);
        var file = DicomFile.Open(path);
        string declared = file.FileMetaInfo.GetString(DicomTag.TransferSyntaxUID);
        Assert.Equal(declared, file.TransferSyntax.Uid);
        var differences = PydicomOracle.Compare(oracle.GetProperty("meta"), file.FileMetaInfo, "meta");
        differences.AddRange(PydicomOracle.Compare(oracle.GetProperty("dataset"), file.Dataset, "dataset"));
        Assert.True(differences.Count == 0, $"{key} ({file.TransferSyntax}):\n{PydicomOracle.Report(differences)}");
    }

    [Theory]
    [MemberData(nameof(DcmtkSources))]
    public void EveryEncodingOfAFileGivesTheSameDataset(string source)
    {
        var corpus = TranscodedCorpus.Instance;
        var reference = DicomFile.Open(corpus.Files[TranscodedCorpus.Key(source, "dcmtk+te")]).Dataset;
        Assert.True(reference.Count > 0);
        foreach (var (name, _) in TranscodedCorpus.DcmtkVariants)
        {
            var file = DicomFile.Open(corpus.Files[TranscodedCorpus.Key(source, name)]);
            var differences = DatasetComparer.Differences(reference, file.Dataset, name);
            Assert.True(differences.Count == 0, $"{source} {name} ({file.TransferSyntax}) differs from +te:\n{PydicomOracle.Report(differences)}");
        }
    }
}
