using System.Text.Json;
using HeCompute.Dicom.Deidentification;
using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Tests.Deidentification;

/// <summary>
/// The Clean Pixel Data Option on pydicom's test files: pydicom and numpy (/usr/bin/python3, decoding JPEG-LS and
/// JPEG 2000 through gdcm) read the original and the written output; inside the rectangles every sample of every
/// frame is black, everywhere else every sample equals the original, and the method attributes say so.
/// </summary>
public sealed class CleanPixelDataTests
{
    // argv: a JSON list of {original, output, rectangles}; prints per output what pydicom sees.
    private const string CompareScript = """
import json, sys
import numpy as np
import pydicom

def frames(ds):
    a = ds.pixel_array
    n = int(ds.get("NumberOfFrames", 1) or 1)
    spp = int(ds.SamplesPerPixel)
    return a.reshape((n, int(ds.Rows), int(ds.Columns), spp))

def black(ds, spp):
    bits = int(ds.BitsStored)
    signed = int(ds.PixelRepresentation) == 1
    lowest = -(1 << (bits - 1)) if signed else 0
    highest = ((1 << (bits - 1)) - 1) if signed else (1 << bits) - 1
    pi = str(ds.PhotometricInterpretation)
    if pi == "MONOCHROME1":
        return [highest] * spp
    if pi.startswith("YBR"):
        return [lowest] + [1 << (bits - 1)] * (spp - 1)
    return [lowest] * spp

out = []
for case in json.load(open(sys.argv[1])):
    original = pydicom.dcmread(case["original"])
    cleaned = pydicom.dcmread(case["output"])
    a = frames(original).astype(np.int64)
    b = frames(cleaned).astype(np.int64)
    mask = np.zeros(a.shape[1:3], dtype=bool)
    for x, y, w, h in case["rectangles"]:
        mask[y:y + h, x:x + w] = True
    expected = np.array(black(cleaned, a.shape[3]), dtype=np.int64)
    out.append({
        "shape": list(b.shape),
        "same_shape": a.shape == b.shape,
        "inside_pixels": int(mask.sum()),
        "inside_black": bool((b[:, mask, :] == expected).all()),
        "inside_was_black": bool((a[:, mask, :] == expected).all()),
        "outside_equal": bool((a[:, ~mask, :] == b[:, ~mask, :]).all()),
        "transfer_syntax": str(cleaned.file_meta.TransferSyntaxUID),
        "burned_in": str(cleaned.get("BurnedInAnnotation", "")),
        "codes": [str(i.CodeValue) for i in cleaned.get("DeidentificationMethodCodeSequence", [])],
        "method": [str(v) for v in (cleaned.DeidentificationMethod if isinstance(cleaned.DeidentificationMethod, pydicom.multival.MultiValue) else [cleaned.DeidentificationMethod])],
        "photometric": str(cleaned.PhotometricInterpretation),
    })
print(json.dumps(out))
""";

    private static readonly CleanRectangle[] SmallRectangles = [new(1, 2, 5, 4), new(30, 0, 500, 3)];

    public static TheoryData<string, string> Files => new()
    {
        { "test_files/CT_small.dcm", "uncompressed, signed 16-bit" },
        { "test_files/rtdose.dcm", "uncompressed, 15 frames of 32-bit" },
        { "test_files/SC_rgb_small_odd.dcm", "uncompressed RGB, 3x3" },
        { "test_files/MR_small_RLE.dcm", "RLE" },
        { "test_files/SC_rgb_rle_2frame.dcm", "RLE RGB, 2 frames" },
        { "test_files/SC_rgb_rle_16bit_2frame.dcm", "RLE RGB 16-bit, 2 frames" },
        { "test_files/SC_rgb_jpeg_gdcm.dcm", "JPEG lossless RGB" },
        { "test_files/MR_small_jpeg_ls_lossless.dcm", "JPEG-LS lossless" },
        { "test_files/MR_small_jp2klossless.dcm", "JPEG 2000 lossless" },
        { "test_files/SC_ybr_full_422_uncompressed.dcm", "uncompressed YBR_FULL_422, written as YBR_FULL" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Given_rectangles_are_black_in_every_frame_and_sample_and_every_other_pixel_is_unchanged(string relative, string what)
    {
        string source = Path.Combine(ExternalTools.PydicomData, relative);
        var rectangles = DicomFile.Open(source).Dataset.GetSingleValueOrDefault(DicomTag.Rows, 0) < 10 ? [new CleanRectangle(1, 0, 1, 2)] : SmallRectangles;
        var (output, report) = CleanToFile(source, new CleanPixelDataOptions { Rectangles = rectangles });
        Assert.True(report.PixelsCleaned, what);
        Assert.Contains(report.Entries, e => e.Path == "(7FE0,0010)" && e.Outcome == AttributeOutcome.Cleaned);

        var seen = Compare(source, output, report.CleanedRectangles);
        Assert.True(seen.GetProperty("same_shape").GetBoolean(), what);
        Assert.True(seen.GetProperty("inside_pixels").GetInt32() > 0, what);
        Assert.False(seen.GetProperty("inside_was_black").GetBoolean(), what + ": the test would pass without cleaning");
        Assert.True(seen.GetProperty("inside_black").GetBoolean(), what);
        Assert.True(seen.GetProperty("outside_equal").GetBoolean(), what);
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, seen.GetProperty("transfer_syntax").GetString());
        Assert.Equal("NO", seen.GetProperty("burned_in").GetString());
        Assert.Equal(["113100", "113101"], seen.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).Take(2));
        Assert.Contains("Clean Pixel Data Option", seen.GetProperty("method").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["113100", "113101"], report.MethodCodes.Take(2));
    }

    [Fact]
    public void Rectangles_are_clipped_to_the_image_and_reported()
    {
        string source = Path.Combine(ExternalTools.PydicomData, "test_files/MR_small.dcm");
        var options = new CleanPixelDataOptions { Rectangles = [new(60, 60, 100, 100), new(64, 0, 5, 5)] };
        var (_, report) = Deidentify(DicomFile.Open(source), options);
        Assert.Equal([new CleanRectangle(60, 60, 4, 4)], report.CleanedRectangles);
        Assert.Contains(report.PixelCleaningNotes, n => n.Contains("64,0,5,5", StringComparison.Ordinal) && n.Contains("outside", StringComparison.Ordinal));
    }

    [Fact]
    public void Ultrasound_default_is_the_top_tenth_of_the_rows_without_regions()
    {
        // pydicom's ExplVR_BigEnd.dcm is an 80x60 RGB ultrasound image in Explicit VR Big Endian.
        string source = Path.Combine(ExternalTools.PydicomData, "test_files/ExplVR_BigEnd.dcm");
        var (output, report) = CleanToFile(source, new CleanPixelDataOptions { ModalityDefaults = true });
        Assert.Equal([new CleanRectangle(0, 0, 80, 6)], report.CleanedRectangles);
        Assert.Contains(report.PixelCleaningNotes, n => n.Contains("top 10% of the rows", StringComparison.Ordinal));
        var seen = Compare(source, output, report.CleanedRectangles);
        Assert.True(seen.GetProperty("inside_black").GetBoolean());
        Assert.True(seen.GetProperty("outside_equal").GetBoolean());
        Assert.Equal("NO", seen.GetProperty("burned_in").GetString());
    }

    [Fact]
    public void Ultrasound_default_ends_above_the_topmost_region()
    {
        var file = DicomFile.Open(Path.Combine(ExternalTools.PydicomData, "test_files/ExplVR_BigEnd.dcm"));
        var regions = new[] { 25u, 14u }.Select(y0 =>
        {
            var item = new DicomDataset();
            item.AddOrUpdate(DicomVR.UL, new DicomTag(0x0018, 0x601A), y0);
            return item;
        }).ToList();
        file.Dataset.AddOrUpdate(new DicomSequence(new DicomTag(0x0018, 0x6011), regions));
        var (result, report) = Deidentify(file, new CleanPixelDataOptions { ModalityDefaults = true });
        Assert.Equal([new CleanRectangle(0, 0, 80, 14)], report.CleanedRectangles);
        Assert.Contains(report.PixelCleaningNotes, n => n.Contains("(0018,6011)", StringComparison.Ordinal));

        var before = DicomPixelData.Create(file.Dataset).GetFrameBytes(0);
        var after = DicomPixelData.Create(result.Dataset).GetFrameBytes(0);
        int band = 14 * 80 * 3;
        Assert.All(after.Take(band), b => Assert.Equal(0, b));
        Assert.Equal(before.Skip(band), after.Skip(band));
        Assert.Contains(before.Take(band), b => b != 0);
    }

    [Fact]
    public void Defaults_leave_a_modality_without_one_uncleaned_and_the_burned_in_check_applies()
    {
        var file = DicomFile.Open(Path.Combine(ExternalTools.PydicomData, "test_files/CT_small.dcm"));
        file.Dataset.AddOrUpdate(DicomVR.CS, new DicomTag(0x0028, 0x0301), "YES");
        var defaults = new CleanPixelDataOptions { ModalityDefaults = true };
        Assert.Throws<BurnedInAnnotationException>(() => Deidentify(file, defaults));

        var (result, report) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { CleanPixelData = defaults, AllowBurnedInAnnotation = true })
            .Deidentify(file);
        Assert.False(report.PixelsCleaned);
        Assert.True(report.BurnedInAnnotationAccepted);
        Assert.Contains(report.PixelCleaningNotes, n => n.Contains("no default rectangle for modality 'CT'", StringComparison.Ordinal));
        Assert.Equal("YES", result.Dataset.GetString(new DicomTag(0x0028, 0x0301)).Trim());
        Assert.DoesNotContain("113101", report.MethodCodes);
        Assert.Equal(file.Dataset.GetElement(DicomTag.PixelData)!.RawValue.ToArray(), result.Dataset.GetElement(DicomTag.PixelData)!.RawValue.ToArray());
    }

    [Fact]
    public void Without_cleaning_burned_in_annotation_is_refused_or_stays_as_it_was()
    {
        string source = Path.Combine(ExternalTools.PydicomData, "test_files/SC_rgb_rle_2frame.dcm");
        var file = DicomFile.Open(source);
        Assert.Throws<BurnedInAnnotationException>(() => new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret)).Deidentify(file));

        var (absent, report) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { AllowBurnedInAnnotation = true }).Deidentify(file);
        Assert.False(report.PixelsCleaned);
        Assert.False(absent.Dataset.Contains(new DicomTag(0x0028, 0x0301)));
        Assert.DoesNotContain("113101", report.MethodCodes);
        Assert.Equal(file.Dataset.InternalTransferSyntax, absent.Dataset.InternalTransferSyntax);

        file.Dataset.AddOrUpdate(DicomVR.CS, new DicomTag(0x0028, 0x0301), "YES");
        var (yes, _) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { AllowBurnedInAnnotation = true }).Deidentify(file);
        Assert.Equal("YES", yes.Dataset.GetString(new DicomTag(0x0028, 0x0301)).Trim());

        var (cleaned, cleanedReport) = Deidentify(file, new CleanPixelDataOptions { Rectangles = [new(0, 0, 10, 10)] });
        Assert.True(cleanedReport.PixelsCleaned);
        Assert.False(cleanedReport.BurnedInAnnotationAccepted);
        Assert.Equal("NO", cleaned.Dataset.GetString(new DicomTag(0x0028, 0x0301)).Trim());
        Assert.Contains(cleanedReport.Entries, e => e.Path == "(0028,0301)" && e.Outcome == AttributeOutcome.Replaced);
    }

    [Fact]
    public void Rectangles_are_parsed_and_checked()
    {
        Assert.Equal(new CleanRectangle(3, 4, 5, 6), CleanRectangle.Parse(" 3, 4,5 ,6"));
        Assert.Throws<FormatException>(() => CleanRectangle.Parse("3,4,5"));
        Assert.Throws<FormatException>(() => CleanRectangle.Parse("-1,4,5,6"));
        Assert.Throws<FormatException>(() => CleanRectangle.Parse("1,4,0,6"));
        Assert.Throws<ArgumentException>(() => new CleanPixelDataOptions { Rectangles = [new(0, 0, 0, 1)] });
    }

    private static (DicomFile Result, DeidentificationReport Report) Deidentify(DicomFile file, CleanPixelDataOptions cleaning) =>
        new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { CleanPixelData = cleaning }).Deidentify(file);

    private static (string Output, DeidentificationReport Report) CleanToFile(string source, CleanPixelDataOptions cleaning)
    {
        var (result, report) = Deidentify(DicomFile.Open(source), cleaning);
        string output = Path.Combine(ExternalTools.TempDirectory("clean-pixels"), Path.GetFileName(source));
        result.Save(output);
        return (output, report);
    }

    private static JsonElement Compare(string original, string output, IReadOnlyList<CleanRectangle> rectangles)
    {
        string python = ExternalTools.PythonWithPydicom();
        string dir = ExternalTools.TempDirectory("clean-pixels-script");
        string script = Path.Combine(dir, "compare.py");
        string cases = Path.Combine(dir, "cases.json");
        File.WriteAllText(script, CompareScript);
        File.WriteAllText(cases, JsonSerializer.Serialize(new[]
        {
            new { original, output, rectangles = rectangles.Select(r => new[] { r.X, r.Y, r.Width, r.Height }).ToArray() },
        }));
        using var doc = JsonDocument.Parse(ExternalTools.RunChecked(python, [script, cases], TimeSpan.FromMinutes(3)));
        return doc.RootElement[0].Clone();
    }
}
