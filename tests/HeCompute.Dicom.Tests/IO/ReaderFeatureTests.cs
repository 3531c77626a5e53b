using System.Buffers.Binary;
using System.IO.Compression;
using HeCompute.Dicom.Tests.Model;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>Reader features on real files: deferred pixel data, stopping at pixel data, raw datasets, streams, deflate.</summary>
public class ReaderFeatureTests
{
    private static string TestFile(string name) => Path.Combine(ExternalTools.PydicomTestFiles, name);

    [Fact]
    public void DeferredNativePixelDataRecordsItsOffsetAndReadsOnDemand()
    {
        string path = TestFile("CT_small.dcm");
        var deferred = DicomFile.Open(path);
        var loaded = DicomFile.Open(path, new DicomReadOptions { DeferPixelData = false });
        var pixel = Assert.IsType<DicomElement>(deferred.Dataset.GetItem(DicomTag.PixelData));
        var eager = Assert.IsType<DicomElement>(loaded.Dataset.GetItem(DicomTag.PixelData));
        Assert.True(pixel.IsDeferred);
        Assert.False(eager.IsDeferred);
        Assert.Equal(eager.Length, pixel.Length);

        byte[] file = File.ReadAllBytes(path);
        Assert.NotNull(pixel.ValueOffset);
        Assert.Equal(file.AsSpan((int)pixel.ValueOffset!.Value, (int)pixel.Length).ToArray(), eager.RawValue.ToArray());
        Assert.Equal(eager.RawValue.ToArray(), pixel.RawValue.ToArray());

        var part = new byte[100];
        pixel.CopyTo(1000, part);
        Assert.Equal(eager.RawValue.Slice(1000, 100).ToArray(), part);
        Assert.Throws<ArgumentOutOfRangeException>(() => pixel.CopyTo(pixel.Length - 10, new byte[11]));
    }

    [Fact]
    public void DeferredBigEndianPixelDataIsSwappedOnLoadIncludingUnalignedRanges()
    {
        var big = DicomFile.Open(TestFile("MR_small_bigendian.dcm"));
        var little = DicomFile.Open(TestFile("MR_small.dcm"), new DicomReadOptions { DeferPixelData = false });
        var pixel = Assert.IsType<DicomElement>(big.Dataset.GetItem(DicomTag.PixelData));
        Assert.True(pixel.IsDeferred);
        Assert.Equal(little.Dataset.GetElement(DicomTag.PixelData)!.RawValue.ToArray(), pixel.RawValue.ToArray());
        var part = new byte[7];
        pixel.CopyTo(3, part);
        Assert.Equal(little.Dataset.GetElement(DicomTag.PixelData)!.RawValue.Slice(3, 7).ToArray(), part);
    }

    [Fact]
    public void DeferredFragmentsPointIntoTheFile()
    {
        string path = TestFile("SC_rgb_rle_2frame.dcm");
        var file = DicomFile.Open(path);
        var fragments = Assert.IsType<DicomFragmentSequence>(file.Dataset.GetItem(DicomTag.PixelData));
        Assert.Equal(2, fragments.Fragments.Count);
        Assert.Equal(2, fragments.BasicOffsetTable.Count);
        byte[] bytes = File.ReadAllBytes(path);
        foreach (var fragment in fragments.Fragments)
        {
            Assert.True(fragment.IsDeferred);
            Assert.Equal(bytes.AsSpan((int)fragment.Offset, (int)fragment.Length).ToArray(), fragment.Data.ToArray());
            // the item header precedes the data: (FFFE,E000) and the length
            Assert.Equal(0xFFFE, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)fragment.Offset - 8)));
            Assert.Equal(fragment.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)fragment.Offset - 4)));
        }

        // Basic Offset Table entries are the fragments' item offsets.
        Assert.Equal(fragments.BasicOffsetTable.Select(o => (long)o), fragments.Fragments.Select(f => f.ItemOffset));
    }

    [Fact]
    public void EmptyBasicOffsetTableReadsAsEmpty()
    {
        var file = DicomFile.Open(TestFile("JPEG2000.dcm"));
        var fragments = Assert.IsType<DicomFragmentSequence>(file.Dataset.GetItem(DicomTag.PixelData));
        Assert.Empty(fragments.BasicOffsetTable);
        Assert.Single(fragments.Fragments);
        Assert.Null(fragments.ExtendedOffsetTable);
        Assert.Equal(DicomTransferSyntax.JPEG2000, file.TransferSyntax);
    }

    [Fact]
    public void StopAtPixelDataEndsTheDatasetBeforePixelData()
    {
        var file = DicomFile.Open(TestFile("CT_small.dcm"), new DicomReadOptions { StopAtPixelData = true });
        Assert.False(file.Dataset.Contains(DicomTag.PixelData));
        Assert.Equal((ushort)128, file.Dataset.GetSingleValue<ushort>(DicomTag.Columns));
    }

    [Fact]
    public void NonSeekableStreamsAreReadEntirelyWithoutDeferral()
    {
        using var stream = new ForwardOnlyStream(File.ReadAllBytes(TestFile("CT_small.dcm")));
        var file = DicomFile.Open(stream);
        var pixel = Assert.IsType<DicomElement>(file.Dataset.GetItem(DicomTag.PixelData));
        Assert.False(pixel.IsDeferred);
        var reference = DicomFile.Open(TestFile("CT_small.dcm"));
        Assert.Empty(DatasetComparer.Differences(reference.Dataset, file.Dataset));
    }

    [Fact]
    public async Task OpenAsyncReadsSeekableAndForwardOnlyStreams()
    {
        var reference = DicomFile.Open(TestFile("MR_small.dcm"));
        using var forward = new ForwardOnlyStream(File.ReadAllBytes(TestFile("MR_small.dcm")));
        var a = await DicomFile.OpenAsync(forward);
        Assert.Empty(DatasetComparer.Differences(reference.Dataset, a.Dataset));
        await using var seekable = File.OpenRead(TestFile("MR_small.dcm"));
        var b = await DicomFile.OpenAsync(seekable);
        Assert.Empty(DatasetComparer.Differences(reference.Dataset, b.Dataset));
    }

    [Fact]
    public void DeferredValuesFromAMemoryStreamReadFromThatStream()
    {
        using var memory = new MemoryStream(File.ReadAllBytes(TestFile("CT_small.dcm")));
        var file = DicomFile.Open(memory);
        var pixel = file.Dataset.GetElement(DicomTag.PixelData)!;
        Assert.True(pixel.IsDeferred);
        Assert.Equal(DicomFile.Open(TestFile("CT_small.dcm"), new DicomReadOptions { DeferPixelData = false }).Dataset.GetElement(DicomTag.PixelData)!.RawValue.ToArray(), pixel.RawValue.ToArray());
        memory.Dispose();
        var ex = Assert.ThrowsAny<DicomException>(() => pixel.RawValue);
        Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatShrankAfterOpeningFailsWithADicomException()
    {
        string dir = ExternalTools.TempDirectory("shrunk");
        string path = Path.Combine(dir, "ct.dcm");
        File.Copy(TestFile("CT_small.dcm"), path);
        var file = DicomFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(1000);
        }

        Assert.ThrowsAny<DicomException>(() => file.Dataset.GetElement(DicomTag.PixelData)!.RawValue);
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small_implicit.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    public void RawDatasetsWithoutPreambleOrMetaAreDetected(string name)
    {
        var reference = DicomFile.Open(TestFile(name));
        byte[] bytes = File.ReadAllBytes(TestFile(name));
        int datasetStart = 132 + 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));

        var raw = DicomFile.Open(new MemoryStream(bytes[datasetStart..]));
        Assert.Equal(0, raw.FileMetaInfo.Count);
        Assert.Null(raw.PreambleOffset);
        Assert.Equal(reference.TransferSyntax, raw.TransferSyntax);
        Assert.Empty(DatasetComparer.Differences(reference.Dataset, raw.Dataset));

        // "DICM" and the meta information without the preamble
        var noPreamble = DicomFile.Open(new MemoryStream(bytes[128..]));
        Assert.Null(noPreamble.PreambleOffset);
        Assert.Empty(DatasetComparer.Differences(reference.Dataset, noPreamble.Dataset));
        Assert.Empty(DatasetComparer.Differences(reference.FileMetaInfo, noPreamble.FileMetaInfo));
    }

    [Fact]
    public void MetaWithoutGroupLengthOrTransferSyntaxIsRead()
    {
        var noLength = DicomFile.Open(TestFile("no_meta_group_length.dcm"));
        Assert.False(noLength.FileMetaInfo.Contains(DicomTag.FileMetaInformationGroupLength));
        Assert.True(noLength.Dataset.Count >= 3);
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, noLength.TransferSyntax);

        var noSyntax = DicomFile.Open(TestFile("meta_missing_tsyntax.dcm"));
        Assert.False(noSyntax.FileMetaInfo.Contains(DicomTag.TransferSyntaxUID));
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, noSyntax.TransferSyntax);
        Assert.IsType<DicomSequence>(noSyntax.Dataset.GetItem(new DicomTag(0x0001, 0x0001)));
    }

    [Fact]
    public void DeflatedDatasetsAreInflatedIncludingZlibWrappedOnes()
    {
        string path = TestFile("image_dfl.dcm");
        var file = DicomFile.Open(path);
        Assert.Equal(DicomTransferSyntax.DeflatedExplicitVRLittleEndian, file.TransferSyntax);
        Assert.True(file.Dataset.Contains(DicomTag.PixelData));
        Assert.False(file.Dataset.GetElement(DicomTag.PixelData)!.IsDeferred);

        // The same dataset deflated with a zlib header (a writer quirk) reads the same.
        byte[] bytes = File.ReadAllBytes(path);
        int datasetStart = 132 + 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));
        using var inflated = new MemoryStream();
        using (var deflate = new DeflateStream(new MemoryStream(bytes[datasetStart..]), CompressionMode.Decompress))
        {
            deflate.CopyTo(inflated);
        }

        using var zlib = new MemoryStream();
        zlib.Write(bytes, 0, datasetStart);
        using (var z = new ZLibStream(zlib, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(inflated.ToArray());
        }

        zlib.Position = 0;
        var wrapped = DicomFile.Open(zlib);
        Assert.Empty(DatasetComparer.Differences(file.Dataset, wrapped.Dataset));
    }

    [Fact]
    public void DeflateBombsStopAtMaxTotalBytes()
    {
        byte[] bytes = File.ReadAllBytes(TestFile("image_dfl.dcm"));
        int datasetStart = 132 + 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));
        using var bomb = new MemoryStream();
        bomb.Write(bytes, 0, datasetStart);
        using (var deflate = new DeflateStream(bomb, CompressionLevel.Optimal, leaveOpen: true))
        {
            // an OB element of 64 MiB of zeros compresses to ~64 KiB
            deflate.Write([0x09, 0x00, 0x10, 0x10, (byte)'O', (byte)'B', 0, 0, 0, 0, 0, 4]);
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++)
            {
                deflate.Write(zeros);
            }
        }

        bomb.Position = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.ThrowsAny<DicomException>(() => DicomFile.Open(bomb, new DicomReadOptions { MaxTotalBytes = 4 << 20 }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 32 << 20, "the bomb was inflated into memory");
        Assert.NotNull(ex.Offset);
    }

    [Fact]
    public void ImplicitVRSwitchInsideExplicitDataIsRead()
    {
        // pydicom's SC_rgb_jpeg.dcm declares an explicit syntax but is implicit VR: the data decides, the
        // encapsulated syntax is still reported for the pixel data.
        var file = DicomFile.Open(TestFile("SC_rgb_jpeg.dcm"));
        Assert.True(file.TransferSyntax.IsEncapsulated);
        Assert.IsType<DicomFragmentSequence>(file.Dataset.GetItem(DicomTag.PixelData));
    }

    [Fact]
    public void UnknownSequencesInUnAndPrivateImplicitSequencesAreParsed()
    {
        var un = DicomFile.Open(TestFile("UN_sequence.dcm"));
        var sequence = Assert.IsType<DicomSequence>(un.Dataset.GetItem(new DicomTag(0x4453, 0x100C)));
        Assert.NotEmpty(sequence.Items);

        var priv = DicomFile.Open(TestFile("nested_priv_SQ.dcm"));
        var outer = Assert.IsType<DicomSequence>(priv.Dataset.GetItem(new DicomTag(0x0001, 0x0001)));
        Assert.IsType<DicomSequence>(outer.Items[0].GetItem(new DicomTag(0x0001, 0x0001)));
    }

    /// <summary>A read-only stream that cannot seek (like a network stream).</summary>
    internal sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 997));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
