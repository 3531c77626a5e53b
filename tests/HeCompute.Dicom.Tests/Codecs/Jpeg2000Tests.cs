using System.Buffers.Binary;
using HeCompute.Dicom.Codecs;
using HeCompute.Dicom.Codecs.OpenJpeg;
using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>JPEG 2000 and HTJ2K through OpenJPEG against the fixtures of make_j2k_fixtures.py: codestreams written by
/// opj_compress, ojph_compress (HTJ2K) and gdcmconv, and pydicom's own JPEG 2000 files, decoded by opj_decompress,
/// ojph_expand, gdcmconv --raw and pydicom+gdcm. Lossless files also equal their uncompressed source; lossy ones equal
/// the reference decoders exactly (tolerance 0: the same arithmetic) and their error against the source is recorded
/// in each case's oracle text.</summary>
public sealed class Jpeg2000Tests
{
    private static FixtureSet Fixtures => OracleFixtures.Jpeg2000;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixtures.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static TheoryData<string> LosslessWithSource()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixtures.Cases.Where(c => c.Source.Length > 0))
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void The_fixtures_cover_every_syntax_depth_sign_and_colour_transform()
    {
        var cases = Fixtures.Cases;
        foreach (var syntax in Jpeg2000Codec.TransferSyntaxes)
        {
            Assert.Contains(cases, c => c.TransferSyntax == syntax.Uid);
        }

        foreach (int bits in new[] { 8, 12, 16 })
        {
            Assert.Contains(cases, c => c.BitsStored == bits && c.Signed && c.TransferSyntax == DicomTransferSyntax.JPEG2000Lossless.Uid);
            Assert.Contains(cases, c => c.BitsStored == bits && !c.Signed && c.TransferSyntax == DicomTransferSyntax.JPEG2000Lossless.Uid);
            Assert.Contains(cases, c => c.BitsStored == bits && !c.Signed && c.TransferSyntax == DicomTransferSyntax.HTJ2KLossless.Uid);
        }

        foreach (var photometric in new[] { "YBR_RCT", "YBR_ICT", "RGB" })
        {
            Assert.Contains(cases, c => c.Photometric == photometric);
        }

        Assert.Contains(cases, c => c.Frames > 1 && c.FrameFiles.Length == c.Frames && c.TransferSyntax.StartsWith("1.2.840.10008.1.2.4.20", StringComparison.Ordinal));
        Assert.True(cases.Count(c => c.Name.StartsWith("j2k_pydicom_", StringComparison.Ordinal)) >= 5);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Frame_decodes_like_the_oracles(string name)
    {
        var c = Fixtures.Get(name);
        var codec = DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.Lookup(c.TransferSyntax));
        Assert.IsType<Jpeg2000Codec>(codec);
        var info = Info(c);
        byte[] expected = File.ReadAllBytes(Fixtures.PathOf(c.Expected));
        int frameLength = checked((int)info.DecodedLength);
        Assert.Equal(expected.Length, frameLength * c.Frames);
        var actual = new byte[frameLength];
        for (int f = 0; f < c.Frames; f++)
        {
            codec.Decode(File.ReadAllBytes(Fixtures.PathOf(c.FrameFiles[f])), info, actual);
            CodecOracleTests.AssertClose(expected.AsSpan(f * frameLength, frameLength), actual, info.BytesPerSample, c.Tolerance, $"{name} frame {f}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void File_decodes_like_the_oracles_through_the_reader(string name)
    {
        var c = Fixtures.Get(name);
        var pixels = DicomPixelData.Create(DicomFile.Open(Fixtures.PathOf(c.File)).Dataset);
        Assert.Equal(c.Frames, pixels.FrameCount);
        Assert.Equal(c.DecodedPhotometric, pixels.DecodedPhotometricInterpretation);
        byte[] expected = File.ReadAllBytes(Fixtures.PathOf(c.Expected));
        int n = pixels.FrameLength;
        for (int f = c.Frames - 1; f >= 0; f--)
        {
            CodecOracleTests.AssertClose(expected.AsSpan(f * n, n), pixels.GetFrameBytes(f), pixels.DecodedBytesPerSample, c.Tolerance, $"{name} frame {f}");
        }
    }

    [Theory]
    [MemberData(nameof(LosslessWithSource))]
    public void Lossless_file_and_its_uncompressed_source_give_the_same_pixels(string name)
    {
        var c = Fixtures.Get(name);
        var compressed = DicomPixelData.Create(DicomFile.Open(Fixtures.PathOf(c.File)).Dataset);
        var source = DicomPixelData.Create(DicomFile.Open(Fixtures.PathOf(c.Source)).Dataset);
        Assert.Equal(source.FrameCount, compressed.FrameCount);
        for (int f = 0; f < compressed.FrameCount; f++)
        {
            Assert.True(source.GetFrameBytes(f).AsSpan().SequenceEqual(compressed.GetFrameBytes(f)), $"{name} frame {f} bytes");
            Assert.Equal(source.GetFrameValues(f, PixelOutput.ModalityValues), compressed.GetFrameValues(f, PixelOutput.ModalityValues));
            Assert.Equal(source.GetFrameValues(f, PixelOutput.Display), compressed.GetFrameValues(f, PixelOutput.Display));
        }
    }

    [Fact]
    public void A_codestream_sign_that_disagrees_with_pixel_representation_reads_as_pydicom_reads_it()
    {
        // J2K_pixelrep_mismatch.dcm: the codestream is unsigned 13-bit, the dataset says signed. The frame bytes are
        // the codestream's (as gdcm writes them); stored values are sign-extended from Bits Stored, giving pydicom's
        // minimum of -2000 (pydicom's own test of this file expects it).
        var c = Fixtures.Get("j2k_pydicom_J2K_pixelrep_mismatch");
        var pixels = DicomPixelData.Create(DicomFile.Open(Fixtures.PathOf(c.File)).Dataset);
        float[] stored = pixels.GetFrameValues(0, PixelOutput.StoredValues);
        Assert.Equal(-2000f, stored.Min());
        Assert.Equal(1896f, stored.Max());
    }

    [Fact]
    public void Pydicoms_embedded_delimiter_file_is_read_and_its_bogus_codestream_refused()
    {
        // The fragment holds the bytes of a sequence delimiter (FFFE,E0DD): the reader must not end the sequence
        // there. Its SIZ then declares a width no image has; OpenJPEG (like gdcm) refuses the codestream.
        var file = DicomFile.Open(Path.Combine(ExternalTools.PydicomTestFiles, "JPEG2000-embedded-sequence-delimiter.dcm"));
        var fragments = Assert.IsType<DicomFragmentSequence>(file.Dataset.GetItem(DicomTag.PixelData));
        Assert.Single(fragments.Fragments);
        Assert.Equal(250u, fragments.Fragments[0].Length);
        var e = Assert.Throws<DicomCodecException>(() => DicomPixelData.Create(file.Dataset).GetFrameBytes(0));
        Assert.Contains("malformed JPEG 2000 codestream", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_whose_size_disagrees_with_the_dataset_is_refused_before_decoding()
    {
        var c = Fixtures.Get("j2k_opj_u12");
        var codec = DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.Lookup(c.TransferSyntax));
        byte[] frame = File.ReadAllBytes(Fixtures.PathOf(c.FrameFiles[0]));
        var wrongRows = Info(c) with { Rows = c.Rows + 1 };
        var e = Assert.Throws<DicomCodecException>(() => codec.Decode(frame, wrongRows, new byte[wrongRows.DecodedLength]));
        Assert.Contains("the dataset says", e.Message, StringComparison.Ordinal);

        var eightBits = Info(c) with { BitsAllocated = 8, BitsStored = 8 };
        e = Assert.Throws<DicomCodecException>(() => codec.Decode(frame, eightBits, new byte[eightBits.DecodedLength]));
        Assert.Contains("12-bit samples", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_siz_declaring_a_huge_image_is_refused_from_the_header_alone()
    {
        // SIZ (FF51) follows SOC: Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz. Declare one 60000 x 60000 tile
        // (3.6 gigapixels): the check of the main header against the dataset's 128 x 128 refuses it before OpenJPEG
        // allocates the tile.
        var c = Fixtures.Get("j2k_opj_u12");
        byte[] frame = File.ReadAllBytes(Fixtures.PathOf(c.FrameFiles[0]));
        Assert.Equal(0xFF51, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), 60000);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 60000);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(24), 60000);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(28), 60000);
        var codec = DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.Lookup(c.TransferSyntax));
        var info = Info(c);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DicomCodecException>(() => codec.Decode(frame, info, new byte[info.DecodedLength]));
        Assert.Contains("60000x60000", e.Message + " " + e.InnerException?.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void A_missing_library_is_refused_naming_the_debian_package()
    {
        string? error = OpenJpegNative.Load("libopenjp2-not-installed.so.7");
        Assert.NotNull(error);
        Assert.Contains("libopenjp2-7", error, StringComparison.Ordinal);
        Assert.Contains("apt-get install libopenjp2-7", error, StringComparison.Ordinal);
        Assert.Null(OpenJpegNative.Load(OpenJpegNative.LibraryName));
    }

    [Fact]
    public void Creating_and_registering_the_codec_loads_nothing()
    {
        // The codec only touches OpenJPEG in Decode: a registry (the server never decodes pixels) needs no library.
        var registry = new DicomCodecRegistry();
        foreach (var syntax in Jpeg2000Codec.TransferSyntaxes)
        {
            registry.Register(new Jpeg2000Codec(syntax));
        }

        Assert.Equal(5, registry.SupportedTransferSyntaxUids.Count);
        Assert.Throws<ArgumentException>(() => new Jpeg2000Codec(DicomTransferSyntax.JPEG2000Part2));
        Assert.Throws<DicomCodecException>(() => DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.JPEG2000Part2));
    }

    public static TheoryData<string> FuzzCases() => new() { "j2k_opj_u12", "j2k_opj_rgb8_rct", "j2k_opj_rgb8_ict", "j2k_gdcm_ct16s", "ht_ojph_u12", "ht_ojph_rgb8_rct", "ht_ojph_u12_lossy" };

    [Theory]
    [MemberData(nameof(FuzzCases))]
    public void Mutated_and_truncated_frames_fail_cleanly(string name)
    {
        var c = Fixtures.Get(name);
        var codec = DicomCodecRegistry.Default.GetCodec(DicomTransferSyntax.Lookup(c.TransferSyntax));
        var info = Info(c);
        byte[] original = File.ReadAllBytes(Fixtures.PathOf(c.FrameFiles[0]));
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
                    int at = random.Next(2) == 0 ? random.Next(Math.Min(mutated.Length, 200)) : random.Next(mutated.Length);
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

    private static DicomFrameInfo Info(OracleCase c) =>
        new(c.Rows, c.Columns, c.SamplesPerPixel, c.BitsAllocated, c.BitsStored, c.Signed, c.PlanarConfiguration, c.Photometric);
}
