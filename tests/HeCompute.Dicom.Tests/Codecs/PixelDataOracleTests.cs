using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>End to end through the reader: each compressed file, opened with deferred pixel data, yields frames
/// (located by our frame locator: offset tables, several fragments per frame, empty tables) equal to the oracle's
/// decoding; and the oracle's uncompressed output read natively gives the same pixels.</summary>
public sealed class PixelDataOracleTests
{
    public static TheoryData<string> CaseNames() => CodecOracleTests.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Compressed_file_decodes_like_the_oracle(string name)
    {
        var c = OracleFixtures.Get(name);
        var file = DicomFile.Open(Path.Combine(OracleFixtures.Directory, c.File));
        var pixels = DicomPixelData.Create(file.Dataset);
        Assert.Equal(c.Frames, pixels.FrameCount);
        Assert.Equal(c.DecodedPhotometric == "YBR_FULL" && c.Photometric == "YBR_FULL_422" ? "YBR_FULL" : c.Photometric, pixels.DecodedPhotometricInterpretation);
        byte[] expected = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.Expected));
        int frameLength = pixels.FrameLength;
        Assert.Equal(expected.Length, frameLength * c.Frames);
        for (int f = c.Frames - 1; f >= 0; f--)
        {
            CodecOracleTests.AssertClose(expected.AsSpan(f * frameLength, frameLength), pixels.GetFrameBytes(f), pixels.DecodedBytesPerSample, c.Tolerance, $"{name} frame {f}");
        }
    }

    public static TheoryData<string> LosslessWithSource()
    {
        var data = new TheoryData<string>();
        foreach (var c in OracleFixtures.Cases.Where(c => c.Source.Length > 0))
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LosslessWithSource))]
    public void Compressed_and_uncompressed_versions_decode_identically(string name)
    {
        var c = OracleFixtures.Get(name);
        var compressed = DicomPixelData.Create(DicomFile.Open(Path.Combine(OracleFixtures.Directory, c.File)).Dataset);
        var uncompressed = DicomPixelData.Create(DicomFile.Open(Path.Combine(OracleFixtures.Directory, c.Source)).Dataset);
        Assert.Equal(uncompressed.FrameCount, compressed.FrameCount);
        for (int f = 0; f < compressed.FrameCount; f++)
        {
            Assert.True(uncompressed.GetFrameBytes(f).AsSpan().SequenceEqual(compressed.GetFrameBytes(f)), $"{name} frame {f} bytes");
            Assert.Equal(uncompressed.GetFrameValues(f, PixelOutput.Display), compressed.GetFrameValues(f, PixelOutput.Display));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Oracle_uncompressed_output_reads_the_same(string name)
    {
        var c = OracleFixtures.Get(name);
        string decoded = Path.Combine(OracleFixtures.Directory, c.Expected.Replace(".expected.bin", c.Oracle.StartsWith("pydicom", StringComparison.Ordinal) ? ".pydicom.dcm" : ".dcmtk.dcm", StringComparison.Ordinal));
        var pixels = DicomPixelData.Create(DicomFile.Open(decoded).Dataset);
        byte[] expected = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.Expected));
        int frameLength = pixels.FrameLength;
        Assert.Equal(expected.Length, frameLength * pixels.FrameCount);
        for (int f = 0; f < pixels.FrameCount; f++)
        {
            Assert.True(expected.AsSpan(f * frameLength, frameLength).SequenceEqual(pixels.GetFrameBytes(f)), $"{name} frame {f}");
        }
    }
}
