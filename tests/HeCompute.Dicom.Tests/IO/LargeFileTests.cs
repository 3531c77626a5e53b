using System.Buffers.Binary;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>
/// Multi-frame files of a few hundred MB written by our writer (pixel data streamed from a generator) and opened with
/// deferred pixel data: opening reads only the header, frames are read on demand, and the bytes allocated stay far
/// below the file size.
/// </summary>
public class LargeFileTests
{
    private const int Rows = 512;
    private const int Columns = 512;
    private const int Frames = 600; // 600 × 512 × 512 × 2 bytes = 300 MiB
    private const long FrameBytes = Rows * Columns * 2L;

    /// <summary>The 16-bit sample of a frame at a pixel index: a pattern that differs per frame and per pixel.</summary>
    private static ushort Sample(long frame, long pixel) => (ushort)((frame * 7919) + (pixel * 31) + (pixel >> 9));

    private static void Generate(long offset, Span<byte> destination)
    {
        // offset and length are even here (the writer copies in 1 MiB chunks)
        for (int i = 0; i < destination.Length; i += 2)
        {
            long sample = (offset + i) / 2;
            BinaryPrimitives.WriteUInt16LittleEndian(destination[i..], Sample(sample / (Rows * Columns), sample % (Rows * Columns)));
        }
    }

    [Fact]
    public void MultiFrameFileOpensWithoutLoadingPixelData()
    {
        string dir = ExternalTools.TempDirectory("large");
        string path = Path.Combine(dir, "multiframe.dcm");
        try
        {
            var ds = new DicomDataset();
            ds.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7.3");
            ds.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.987654321");
            ds.AddOrUpdate(DicomTag.Modality, "OT");
            ds.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)1);
            ds.AddOrUpdate(DicomTag.PhotometricInterpretation, "MONOCHROME2");
            ds.AddOrUpdate(DicomTag.NumberOfFrames, Frames);
            ds.AddOrUpdate(DicomTag.Rows, (ushort)Rows);
            ds.AddOrUpdate(DicomTag.Columns, (ushort)Columns);
            ds.AddOrUpdate(DicomTag.BitsAllocated, (ushort)16);
            ds.AddOrUpdate(DicomTag.BitsStored, (ushort)16);
            ds.AddOrUpdate(DicomTag.HighBit, (ushort)15);
            ds.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)0);
            ds.AddOrUpdate(DicomElement.CreateDeferred(DicomTag.PixelData, DicomVR.OW, Frames * FrameBytes, Generate));

            long beforeWrite = GC.GetAllocatedBytesForCurrentThread();
            new DicomFile(ds).Save(path);
            long writeAllocated = GC.GetAllocatedBytesForCurrentThread() - beforeWrite;
            long size = new FileInfo(path).Length;
            Assert.True(size > Frames * FrameBytes);
            Assert.True(writeAllocated < 16L << 20, $"writing allocated {writeAllocated} bytes");

            long before = GC.GetAllocatedBytesForCurrentThread();
            var file = DicomFile.Open(path);
            long openAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(openAllocated < 2L << 20, $"opening a {size}-byte file allocated {openAllocated} bytes");

            var pixel = Assert.IsType<DicomElement>(file.Dataset.GetItem(DicomTag.PixelData));
            Assert.True(pixel.IsDeferred);
            Assert.Equal(Frames * FrameBytes, pixel.Length);
            Assert.Equal(size - pixel.Length, pixel.ValueOffset);
            Assert.Equal(Frames, file.Dataset.GetSingleValue<int>(DicomTag.NumberOfFrames));

            // Frames on demand, through one reused buffer.
            var frame = new byte[FrameBytes];
            before = GC.GetAllocatedBytesForCurrentThread();
            foreach (int f in new[] { 0, 1, 299, Frames - 1 })
            {
                pixel.CopyTo(f * FrameBytes, frame);
                for (int p = 0; p < Rows * Columns; p += 4099)
                {
                    Assert.Equal(Sample(f, p), BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(p * 2)));
                }
            }

            long framesAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(framesAllocated < 1L << 20, $"reading 4 frames into a caller buffer allocated {framesAllocated} bytes");

            // StopAtPixelData reads only the header too.
            var header = DicomFile.Open(path, new DicomReadOptions { StopAtPixelData = true });
            Assert.False(header.Dataset.Contains(DicomTag.PixelData));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ManyFragmentsAreDeferredIndividually()
    {
        string dir = ExternalTools.TempDirectory("fragments");
        string path = Path.Combine(dir, "fragments.dcm");
        try
        {
            const int count = 2000;
            const int fragmentSize = 32 * 1024;
            var ds = new DicomDataset { InternalTransferSyntax = DicomTransferSyntax.RLELossless };
            ds.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7");
            ds.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.55");
            ds.AddOrUpdate(DicomTag.NumberOfFrames, count);
            var shared = new byte[fragmentSize];
            var fragments = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, Enumerable.Range(0, count).Select(i => (uint)(i * (fragmentSize + 8))), Enumerable.Range(0, count).Select(_ => new DicomFragment(shared)));
            ds.AddOrUpdate(fragments);
            new DicomFile(ds).Save(path);

            long before = GC.GetAllocatedBytesForCurrentThread();
            var file = DicomFile.Open(path);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var read = Assert.IsType<DicomFragmentSequence>(file.Dataset.GetItem(DicomTag.PixelData));
            Assert.Equal(count, read.Fragments.Count);
            Assert.All(read.Fragments, f => Assert.True(f.IsDeferred));
            Assert.True(allocated < (long)count * fragmentSize / 20, $"opening allocated {allocated} bytes for {count * (long)fragmentSize} bytes of fragments");
            Assert.Equal(read.BasicOffsetTable.Select(o => (long)o), read.Fragments.Select(f => f.ItemOffset));
            Assert.Equal(fragmentSize, read.Fragments[count - 1].Data.Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
