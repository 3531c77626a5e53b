using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>Frames split over several fragments, with Basic, Extended and empty offset tables (PS3.5 A.4), built
/// from oracle-made codestreams: each layout yields the oracle's frames, and inconsistent tables are refused.</summary>
public sealed class FrameLocatorTests
{
    public enum Table
    {
        Basic,
        Extended,
        Empty,
    }

    [Theory]
    [InlineData("rle_dcmtk_mr16x4", Table.Basic)]
    [InlineData("rle_dcmtk_mr16x4", Table.Extended)]
    [InlineData("rle_dcmtk_mr16x4", Table.Empty)]
    [InlineData("jpll_sv1_mr16x4", Table.Basic)]
    [InlineData("jpll_sv1_mr16x4", Table.Extended)]
    [InlineData("jpll_sv1_mr16x4", Table.Empty)]
    [InlineData("jls_dcmtkil_rgb16x2", Table.Empty)]
    [InlineData("rle_dcmtk_rgb16x2", Table.Empty)]
    public void Split_frames_decode_like_the_oracle(string name, Table table)
    {
        var c = OracleFixtures.Get(name);
        var fragments = new List<DicomFragment>();
        var offsets = new List<uint>();
        uint position = 0;
        foreach (var frameFile in c.FrameFiles)
        {
            byte[] frame = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, frameFile));
            offsets.Add(position);
            // Three fragments of even length per frame (the last one padded as needed).
            int third = (frame.Length / 3) & ~1;
            foreach (var piece in new[] { frame[..third], frame[third..(2 * third)], frame[(2 * third)..] })
            {
                byte[] even = piece.Length % 2 == 0 ? piece : [.. piece, 0];
                fragments.Add(new DicomFragment(even));
                position += 8 + (uint)even.Length;
            }
        }

        var sequence = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, table == Table.Basic ? offsets : [], fragments);
        if (table == Table.Extended)
        {
            sequence.ExtendedOffsetTable = [.. offsets.Select(o => (ulong)o)];
        }

        var pixels = DicomPixelData.Create(Dataset(c, sequence));
        byte[] expected = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.Expected));
        int n = pixels.FrameLength;
        for (int f = c.Frames - 1; f >= 0; f--)
        {
            Assert.True(expected.AsSpan(f * n, n).SequenceEqual(pixels.GetFrameBytes(f)), $"{name} {table} frame {f}");
        }
    }

    [Fact]
    public void An_inconsistent_offset_table_is_set_aside_and_refused_only_when_the_fragments_do_not_tell_either()
    {
        var c = OracleFixtures.Get("jpll_sv1_mr16x4");
        var fragments = c.FrameFiles.Select(f => new DicomFragment(File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, f)))).ToList();
        byte[] expected = File.ReadAllBytes(Path.Combine(OracleFixtures.Directory, c.Expected));
        var wrongOffsets = DicomPixelData.Create(Dataset(c, new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, [0u, 10u, 20u, 30u], fragments)));
        int n = wrongOffsets.FrameLength;
        Assert.True(expected.AsSpan(n, n).SequenceEqual(wrongOffsets.GetFrameBytes(1)));
        Assert.Equal("The Basic Offset Table entry 10 does not point at the start of a fragment; the frames were located from the fragments instead.", wrongOffsets.FrameLocationNote);

        var tooFew = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, [0u, 10u, 20u, 30u], fragments.Take(3));
        var e = Assert.Throws<DicomCodecException>(() => DicomPixelData.Create(Dataset(c, tooFew)).GetFrameBytes(0));
        Assert.Contains("Basic Offset Table", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 fragments for 4 frames", e.Message, StringComparison.Ordinal);
        var tooFewNoTable = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, [], fragments.Take(3));
        Assert.Throws<DicomCodecException>(() => DicomPixelData.Create(Dataset(c, tooFewNoTable)).GetFrameBytes(0));
    }

    private static DicomDataset Dataset(OracleCase c, DicomFragmentSequence sequence)
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.Rows, (ushort)c.Rows);
        ds.AddOrUpdate(DicomTag.Columns, (ushort)c.Columns);
        ds.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)c.SamplesPerPixel);
        ds.AddOrUpdate(DicomTag.BitsAllocated, (ushort)c.BitsAllocated);
        ds.AddOrUpdate(DicomTag.BitsStored, (ushort)c.BitsStored);
        ds.AddOrUpdate(DicomTag.HighBit, (ushort)(c.BitsStored - 1));
        ds.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)(c.Signed ? 1 : 0));
        ds.AddOrUpdate(DicomTag.PhotometricInterpretation, c.Photometric);
        ds.AddOrUpdate(DicomTag.NumberOfFrames, c.Frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (c.SamplesPerPixel > 1)
        {
            ds.AddOrUpdate(DicomTag.PlanarConfiguration, (ushort)c.PlanarConfiguration);
        }

        ds.AddOrUpdate(sequence);
        ds.InternalTransferSyntax = DicomTransferSyntax.Lookup(c.TransferSyntax);
        return ds;
    }
}
