using HeCompute.Dicom.Codecs;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>Each encoded frame, split out by pydicom, decodes with our codec to exactly the pixels dcmtk/gdcm/pydicom
/// decode (lossless: also equal to the uncompressed source; lossy: dcmtk's IJG islow decoding, tolerance 0).</summary>
public sealed class CodecOracleTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in OracleFixtures.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Frame_decodes_like_the_oracle(string name)
    {
        var c = OracleFixtures.Get(name);
        var codec = DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.Lookup(c.TransferSyntax));
        var info = new DicomFrameInfo(c.Rows, c.Columns, c.SamplesPerPixel, c.BitsAllocated, c.BitsStored, c.Signed, c.PlanarConfiguration, c.Photometric);
        byte[] expected = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.Expected));
        int frameLength = checked((int)info.DecodedLength);
        Assert.Equal(c.Frames, c.FrameFiles.Length);
        Assert.Equal(expected.Length, frameLength * c.Frames);
        var actual = new byte[frameLength];
        for (int f = 0; f < c.Frames; f++)
        {
            byte[] encoded = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.FrameFiles[f]));
            codec.Decode(encoded, info, actual);
            AssertClose(expected.AsSpan(f * frameLength, frameLength), actual, info.BytesPerSample, c.Tolerance, $"{name} frame {f}");
        }
    }

    internal static void AssertClose(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, int bytesPerSample, int tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int n = expected.Length / bytesPerSample;
        int worst = 0;
        int worstIndex = -1;
        int differing = 0;
        for (int i = 0; i < n; i++)
        {
            long e = 0;
            long a = 0;
            for (int b = bytesPerSample - 1; b >= 0; b--)
            {
                e = (e << 8) | expected[(i * bytesPerSample) + b];
                a = (a << 8) | actual[(i * bytesPerSample) + b];
            }

            int d = (int)Math.Min(Math.Abs(e - a), int.MaxValue);
            if (d != 0)
            {
                differing++;
            }

            if (d > worst)
            {
                worst = d;
                worstIndex = i;
            }
        }

        Assert.True(worst <= tolerance, $"{what}: {differing} of {n} samples differ, worst {worst} at sample {worstIndex} (tolerance {tolerance})");
    }
}
