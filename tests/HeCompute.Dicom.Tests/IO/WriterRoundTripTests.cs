using System.Text.RegularExpressions;
using HeCompute.Dicom.Tests.Model;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>
/// read → write → read preserves every element, for every pydicom test and charset file we can read; pydicom reads our
/// output exactly as we do; dcmtk's dcmdump reads it without errors and recomputes the same group lengths.
/// </summary>
public sealed partial class WriterRoundTripTests
{
    private static readonly Lazy<Written> Corpus = new(WriteAll);

    private sealed record Written(
        string Directory,
        IReadOnlyDictionary<string, string> Outputs,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement> Oracle,
        IReadOnlyDictionary<string, DcmtkView> Dcmtk);

    /// <summary>dcmdump's reading of our output, and the group lengths in ours and in dcmconv's rewrite of it.</summary>
    private sealed record DcmtkView(ExternalTools.ProcessResult Dump, List<string> OurGroupLengths, List<string> DcmtkGroupLengths);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in ExternalTools.PydicomFiles().Concat(ExternalTools.PydicomCharsetFileList()))
        {
            data.Add(Path.GetRelativePath(ExternalTools.PydicomData, file));
        }

        return data;
    }

    private static Written WriteAll()
    {
        string dir = ExternalTools.TempDirectory("roundtrip");
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in ExternalTools.PydicomFiles().Concat(ExternalTools.PydicomCharsetFileList()))
        {
            DicomFile read;
            try
            {
                read = DicomFile.Open(file);
            }
            catch (DicomException)
            {
                continue; // broken input (checked against pydicom by PydicomFileTests)
            }

            string output = Path.Combine(dir, Path.GetFileName(file));
            read.Save(output);
            outputs[Path.GetRelativePath(ExternalTools.PydicomData, file)] = output;
        }

        string dcmdump = ExternalTools.Dcmtk("dcmdump");
        string dcmconv = ExternalTools.Dcmtk("dcmconv");
        var recomputed = outputs.ToDictionary(p => p.Key, p => p.Value + ".dcmtk.dcm", StringComparer.Ordinal);
        var conversions = new System.Collections.Concurrent.ConcurrentDictionary<string, ExternalTools.ProcessResult>(StringComparer.Ordinal);
        Parallel.ForEach(outputs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, pair =>
            conversions[pair.Key] = ExternalTools.Run(dcmconv, ["+g=", "-e", pair.Value, recomputed[pair.Key]]));
        var ourDumps = DumpEach(dcmdump, outputs);
        var theirDumps = DumpEach(dcmdump, recomputed.Where(p => conversions[p.Key].ExitCode == 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        var views = new Dictionary<string, DcmtkView>(StringComparer.Ordinal);
        foreach (var (key, _) in outputs)
        {
            var theirs = theirDumps.TryGetValue(key, out var t) ? GroupLengths(t.StandardOutput) : ["dcmconv failed: " + conversions[key].StandardError];
            views[key] = new DcmtkView(ourDumps[key], GroupLengths(ourDumps[key].StandardOutput), theirs);
        }

        return new Written(dir, outputs, PydicomOracle.Dump(outputs.Values), views);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RoundTripPreservesEveryElement(string name)
    {
        var corpus = Corpus.Value;
        if (!corpus.Outputs.TryGetValue(name, out string? output))
        {
            Assert.ThrowsAny<DicomException>(() => DicomFile.Open(Path.Combine(ExternalTools.PydicomData, name)));
            return;
        }

        var original = DicomFile.Open(Path.Combine(ExternalTools.PydicomData, name));
        var reread = DicomFile.Open(output);

        // Our own reading of our output: the same elements (odd values gain one padding byte).
        var differences = DatasetComparer.Differences(original.Dataset, reread.Dataset, "dataset", ignoreGroupLengths: true, normalizePadding: true);
        Assert.True(differences.Count == 0, $"{name} round trip:\n{PydicomOracle.Report(differences)}");
        var expectedSyntax = original.Dataset.GetItem(DicomTag.PixelData) is DicomFragmentSequence ? original.TransferSyntax : DicomTransferSyntax.ExplicitVRLittleEndian;
        Assert.Equal(expectedSyntax.Uid, reread.FileMetaInfo.GetString(DicomTag.TransferSyntaxUID));
        Assert.Equal(0L, reread.PreambleOffset);

        // pydicom's reading of our output equals ours.
        var oracle = corpus.Oracle[output];
        Assert.False(PydicomOracle.IsBroken(oracle, out string why), why);
        var pydicomDifferences = PydicomOracle.Compare(oracle.GetProperty("meta"), reread.FileMetaInfo, "meta");
        pydicomDifferences.AddRange(PydicomOracle.Compare(oracle.GetProperty("dataset"), reread.Dataset, "dataset"));
        Assert.True(pydicomDifferences.Count == 0, $"{name}: pydicom reads our output differently:\n{PydicomOracle.Report(pydicomDifferences)}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void DcmtkReadsOurOutputAndAgreesOnGroupLengths(string name)
    {
        var corpus = Corpus.Value;
        if (!corpus.Outputs.TryGetValue(name, out string? output))
        {
            return; // unreadable input, covered by RoundTripPreservesEveryElement
        }

        var view = corpus.Dcmtk[name];
        var dump = view.Dump;
        Assert.True(dump.ExitCode == 0, $"dcmdump failed on our output of {name}: {dump.StandardError}");
        var errors = dump.StandardError.Split('\n').Where(l => l.StartsWith("E:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"dcmdump reports errors on our output of {name}:\n{string.Join('\n', errors)}");

        // dcmconv recomputes group lengths (+g=) for the same encoding (explicit VR LE, undefined-length sequences);
        // every group length we wrote must be what dcmtk computes.
        var ours = view.OurGroupLengths;
        var theirs = view.DcmtkGroupLengths;
        Assert.Equal(theirs.Where(g => !g.StartsWith("0002=", StringComparison.Ordinal)), ours.Where(g => !g.StartsWith("0002=", StringComparison.Ordinal)));

        // dcmconv writes its own meta information, so (0002,0000) is checked on the bytes: it counts the meta elements after it.
        byte[] bytes = File.ReadAllBytes(output);
        Assert.Equal("DICM", System.Text.Encoding.ASCII.GetString(bytes, 128, 4));
        Assert.Equal(new byte[] { 2, 0, 0, 0, (byte)'U', (byte)'L', 4, 0 }, bytes[132..140]);
        uint declared = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));
        int position = 144;
        while (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position)) == 0x0002)
        {
            string vr = System.Text.Encoding.ASCII.GetString(bytes, position + 4, 2);
            bool longForm = vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV";
            position += longForm
                ? 12 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 8))
                : 8 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position + 6));
        }

        Assert.Equal(position - 144, (int)declared);
    }

    /// <summary>dcmdump over many files in one process (+F separates them); a file's own run when the batch reports errors.</summary>
    private static Dictionary<string, ExternalTools.ProcessResult> DumpEach(string dcmdump, IReadOnlyDictionary<string, string> files)
    {
        var result = new Dictionary<string, ExternalTools.ProcessResult>(StringComparer.Ordinal);
        var byPath = files.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var batch = ExternalTools.Run(dcmdump, ["-dc", "+F", .. files.Values], TimeSpan.FromMinutes(2));
        bool clean = batch.ExitCode == 0 && !batch.StandardError.Contains("E:", StringComparison.Ordinal);
        string? current = null;
        var text = new System.Text.StringBuilder();
        foreach (string line in batch.StandardOutput.Split('\n'))
        {
            var header = DumpHeader().Match(line);
            if (header.Success && byPath.ContainsKey(header.Groups[1].Value.Trim()))
            {
                if (current is not null)
                {
                    result[byPath[current]] = new ExternalTools.ProcessResult(0, text.ToString(), string.Empty);
                }

                current = header.Groups[1].Value.Trim();
                text.Clear();
                continue;
            }

            text.AppendLine(line);
        }

        if (current is not null)
        {
            result[byPath[current]] = new ExternalTools.ProcessResult(0, text.ToString(), string.Empty);
        }

        foreach (var (key, path) in files)
        {
            if (!clean || !result.ContainsKey(key))
            {
                result[key] = ExternalTools.Run(dcmdump, ["-dc", path]);
            }
        }

        return result;
    }

    [GeneratedRegex(@"^# dcmdump \(\d+/\d+\): (.*)$")]
    private static partial Regex DumpHeader();

    private static List<string> GroupLengths(string dump) =>
        dump.Split('\n').Select(l => GroupLengthLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value + "=" + m.Groups[2].Value).ToList();

    [GeneratedRegex(@"^\s*\((\w{4}),0000\) UL (\d+)")]
    private static partial Regex GroupLengthLine();
}
