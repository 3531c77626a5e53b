using System.Text.Json;
using HeCompute.Dicom.Deidentification;
using HeCompute.Dicom.Imaging;
using HeCompute.Dicom.Tests.Codecs;
using HeCompute.Dicom.Tests.Deidentification;

namespace HeCompute.Dicom.Tests.Imaging;

/// <summary>Files as real scanners and archives write them, made by make_leniency_fixtures.py with dcmtk and pydicom:
/// an offset table with one entry too many, a 12-bit JPEG in a 10-bit MONOCHROME1 CR that decodes values past Bits
/// Stored, and a DICOMDIR whose record offsets must survive de-identification.</summary>
public sealed class LeniencyTests
{
    private static readonly Lazy<(string Dir, JsonElement Manifest)> Data = new(() =>
    {
        string dir = OracleFixtures.GenerateOnce(Path.Combine(SourceDirectory(), "make_leniency_fixtures.py"), "leniency.json");
        return (dir, JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "leniency.json"))).RootElement.Clone());
    });

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string PathOf(string key) => Path.Combine(Data.Value.Dir, Data.Value.Manifest.GetProperty(key).GetString()!);

    [Fact]
    public void An_offset_table_with_more_entries_than_frames_is_set_aside_and_noted()
    {
        var pixels = DicomPixelData.Create(DicomFile.Open(PathOf("xa")).Dataset);
        Assert.Equal(4, pixels.FrameCount);
        byte[] expected = File.ReadAllBytes(PathOf("xaExpected"));
        int n = pixels.FrameLength;
        for (int f = 0; f < 4; f++)
        {
            Assert.True(expected.AsSpan(f * n, n).SequenceEqual(pixels.GetFrameBytes(f)), $"frame {f} differs from dcmtk's and gdcm's");
        }

        Assert.Equal("The Basic Offset Table has 5 entries for 4 frames; the frames were located from the fragments instead.", pixels.FrameLocationNote);
    }

    [Fact]
    public void A_consistent_offset_table_leaves_no_note()
    {
        var c = OracleFixtures.Get("jpll_sv1_mr16x4");
        var pixels = DicomPixelData.Create(DicomFile.Open(Path.Combine(OracleFixtures.Directory, c.File)).Dataset);
        Assert.Null(pixels.FrameLocationNote);
    }

    [Fact]
    public void Decoded_values_past_bits_stored_are_clamped_not_masked_in_a_monochrome1_cr()
    {
        var pixels = DicomPixelData.Create(DicomFile.Open(PathOf("cr")).Dataset);
        Assert.Equal("MONOCHROME1", pixels.PhotometricInterpretation);
        Assert.Equal(10, pixels.BitsStored);

        // dcmdjpeg's decoding keeps what the stream holds (1024 in 8 pixels); our frame bytes are the same.
        var dcmtk = DicomPixelData.Create(DicomFile.Open(PathOf("crDcmtk")).Dataset);
        Assert.True(dcmtk.GetFrameBytes(0).AsSpan().SequenceEqual(pixels.GetFrameBytes(0)));
        var raw = new float[64 * 64];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = BitConverter.ToUInt16(dcmtk.GetFrameBytes(0), 2 * i);
        }

        Assert.Equal(8, raw.Count(v => v == 1024));

        // The sample values: every pixel as decoded, the 1024s clamped to 1023 (masking would make them 0).
        float[] values = pixels.GetFrameValues(0, PixelOutput.ModalityValues);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(Math.Min(raw[i], 1023f), values[i]);
        }

        // Displayed: MONOCHROME1 shows the highest values darkest; the clamped pixels are the darkest of the image.
        float[] display = pixels.GetFrameValues(0, PixelOutput.Display);
        int row = 10 * 64;
        for (int x = 10; x < 18; x++)
        {
            Assert.Equal(0f, display[row + x]);
        }

        Assert.Equal(0f, display.Min());
        Assert.True(display[row + 9] > 0.5f, "a low value next to them stays light");

        // Native data keeps masking (bits above High Bit may be overlay planes): the uncompressed copy, as dcmtk wrote
        // it, reads 1024 as 0.
        Assert.Equal(0f, dcmtk.GetFrameValues(0, PixelOutput.ModalityValues)[row + 10]);
    }

    [Fact]
    public void A_deidentified_dicomdir_still_points_at_its_records_and_pydicom_walks_them()
    {
        var file = DicomFile.Open(PathOf("dicomdir"));
        var deidentifier = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret));
        var (result, _) = deidentifier.Deidentify(file);
        string dir = ExternalTools.TempDirectory("dicomdir");
        string target = Path.Combine(dir, "DICOMDIR");
        result.Save(target);

        // pydicom resolves every record offset when it reads a DICOMDIR (it raises on one that points at no record),
        // then walks the patient → study → series → image hierarchy.
        const string Script = """
import sys, pydicom
from pydicom.fileset import FileSet
ds = pydicom.dcmread(sys.argv[1])
fs = FileSet(ds)
names = set()
def walk(node, depth):
    for child in node.children:
        r = child._record
        names.add(str(r.get("PatientName", "")))
        print(depth, r.DirectoryRecordType)
        walk(child, depth + 1)
walk(fs._tree, 0)
print("NAMES", sorted(names))
""";
        string python = ExternalTools.PythonWithPydicom();
        string script = Path.Combine(dir, "walk.py");
        File.WriteAllText(script, Script);
        string output = ExternalTools.RunChecked(python, [script, target]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int records = Data.Value.Manifest.GetProperty("dicomdirRecords").GetInt32();
        Assert.Equal(records, lines.Count(l => !l.StartsWith("NAMES", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l == "0 PATIENT"));
        Assert.Equal(3, lines.Count(l => l == "3 IMAGE"));
        Assert.DoesNotContain("Doe", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Roe", output, StringComparison.Ordinal);
        Assert.DoesNotContain("P001", File.ReadAllText(target, System.Text.Encoding.Latin1), StringComparison.Ordinal);
    }
}
