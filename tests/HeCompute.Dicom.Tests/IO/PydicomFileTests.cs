using System.Text.Json;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>Every pydicom test file: our parse equals pydicom's element for element; files pydicom finds broken make us raise.</summary>
public class PydicomFileTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Oracle =
        new(() => PydicomOracle.Dump([.. ExternalTools.PydicomFiles(), .. ExternalTools.PydicomCharsetFileList()]));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in ExternalTools.PydicomFiles().Concat(ExternalTools.PydicomCharsetFileList()))
        {
            data.Add(Path.GetRelativePath(ExternalTools.PydicomData, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void MatchesPydicom(string name)
    {
        string path = Path.Combine(ExternalTools.PydicomData, name);
        var oracle = Oracle.Value[path];
        if (PydicomOracle.IsBroken(oracle, out string why))
        {
            var ex = Assert.ThrowsAny<DicomException>(() => DicomFile.Open(path));
            Assert.NotNull(ex.Offset);
            return;
        }

        var file = DicomFile.Open(path);
        var differences = PydicomOracle.Compare(oracle.GetProperty("meta"), file.FileMetaInfo, "meta");
        differences.AddRange(PydicomOracle.Compare(oracle.GetProperty("dataset"), file.Dataset, "dataset"));
        Assert.True(differences.Count == 0, $"{name} ({file.TransferSyntax}):\n{PydicomOracle.Report(differences)}");
    }
}
