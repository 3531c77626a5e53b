using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Tests.Imaging;

/// <summary>Frames are decoded on demand: opening a 12 MiB multi-frame file and decoding one frame allocates about
/// one frame, not the file (native and RLE).</summary>
public sealed class BoundedMemoryTests
{
    [Theory]
    [InlineData("big_native.dcm")]
    [InlineData("big_rle.dcm")]
    public void One_frame_costs_one_frame(string file)
    {
        string dir = ImagingOracleTests.Data.Value.Dir;
        string path = Path.Combine(dir, file);
        long fileSize = new FileInfo(path).Length;
        byte[] expected = File.ReadAllBytes(Path.Combine(dir, "big_frames_0_50_95.bin"));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var pixels = DicomPixelData.Create(DicomFile.Open(path).Dataset);
        long opened = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(opened < fileSize / 8, $"opening allocated {opened} bytes for a {fileSize}-byte file");
        Assert.Equal(96, pixels.FrameCount);
        int n = pixels.FrameLength;

        var frame = new byte[n];
        pixels.GetFrameBytes(0, frame); // warm up pools and the frame map
        Assert.True(expected.AsSpan(0, n).SequenceEqual(frame));
        before = GC.GetAllocatedBytesForCurrentThread();
        pixels.GetFrameBytes(50, frame);
        long one = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(expected.AsSpan(n, n).SequenceEqual(frame));
        Assert.True(one < (3L * n) + 65536, $"decoding one {n}-byte frame allocated {one} bytes");
        pixels.GetFrameBytes(95, frame);
        Assert.True(expected.AsSpan(2 * n, n).SequenceEqual(frame));
    }
}
