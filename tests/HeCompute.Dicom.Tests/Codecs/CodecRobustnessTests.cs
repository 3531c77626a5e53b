using HeCompute.Dicom.Codecs;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>Malformed codestreams raise <see cref="DicomCodecException"/> (never another exception or a hang), and
/// syntaxes we do not decode are refused by name (JPEG 2000 and HTJ2K: Jpeg2000Tests).</summary>
public sealed class CodecRobustnessTests
{
    public static TheoryData<string> FuzzCases()
    {
        var data = new TheoryData<string>();
        foreach (var prefix in new[] { "rle_dcmtk_rgb8", "rle_gdcm_ct16", "jpll_sv1_ct16", "jpll_p14_sv7_rgb8", "jpb_422_rgb8", "jpb_411_rgb8", "jpe_ct12", "jls_dcmtkil_rgb8", "jls_dcmtkis_rgb8", "jls_dcmtkin_rgb8", "jlsnear3_dcmtk_ct12", "jls_gdcm_ct16" })
        {
            data.Add(prefix);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FuzzCases))]
    public void Mutated_and_truncated_frames_fail_cleanly(string name)
    {
        var c = OracleFixtures.Get(name);
        var codec = DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.Lookup(c.TransferSyntax));
        var info = new DicomFrameInfo(c.Rows, c.Columns, c.SamplesPerPixel, c.BitsAllocated, c.BitsStored, c.Signed, c.PlanarConfiguration, c.Photometric);
        byte[] original = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.FrameFiles[0]));
        var destination = new byte[info.DecodedLength];
        var random = new Random(name.Length * 7919);
        int failures = 0;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            byte[] mutated;
            if (iteration % 3 == 0)
            {
                mutated = original.AsSpan(0, random.Next(original.Length)).ToArray();
            }
            else
            {
                mutated = (byte[])original.Clone();
                int flips = 1 + random.Next(8);
                for (int k = 0; k < flips; k++)
                {
                    // Bias towards headers, where the structure is.
                    int at = random.Next(2) == 0 ? random.Next(Math.Min(mutated.Length, 700)) : random.Next(mutated.Length);
                    mutated[at] = (byte)random.Next(256);
                }
            }

            try
            {
                codec.Decode(mutated, info, destination);
            }
            catch (DicomCodecException)
            {
                failures++;
            }
        }

        Assert.True(failures > 0, "no mutation was detected at all");
    }

    [Fact]
    public void Unknown_and_video_syntaxes_are_refused_by_name()
    {
        foreach (var syntax in new[] { DicomTransferSyntax.JPEG2000Part2Lossless, DicomTransferSyntax.MPEG4HP41, DicomTransferSyntax.Lookup("1.2.3.4.5") })
        {
            var e = Assert.Throws<DicomCodecException>(() => DicomCodecRegistry.Default.GetCodec(syntax));
            Assert.Contains(syntax.Uid, e.Message, StringComparison.Ordinal);
        }
    }
}
