using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Serialization;

public class SealSerializationTests
{
    // Fixture body and its compressed forms produced by reference tools: zlib 1.2.13 at
    // Z_DEFAULT_COMPRESSION (what SEAL's deflateInit uses) and the zstd 1.5.4 CLI at level 3.
    private const string ZlibReference =
        "789c0dce210b83401880e117af198d2b82d168b40846e3a24558347acd22188d8b16c1b8b8b822ec9ad1b822188d5eb3b8eff905" +
        "0fae8f7e931ba63b6381dad92c49cdad413b648aa1a56a30274fcb5af22ab00b1fc315f1f5511d5fcdf5e33361035e8af5c133c1" +
        "f4549a61261bd0073743e2b1ada890d132c5e4173ac555f829ef0b1373b71421fb8af5a80dcd8133a0665a4dd37326d807a5a208" +
        "5826cc8f48e37774f28ff8c97f21907fc943fe27bdfc5b66f93b1cf2aff1e4bf13caff4e2cff37a9fc5d52f9e7c4f21f09e5bfe1" +
        "c9ffc621ff8c59fe15bdfc9f7f00f7671d";

    private const string ZstdFramePayload =
        "2c00dd0600c6d23525a0298d011879d69b299f050b38719f9b9ef6e6ee72dae7d9e57dd62bb4b7ea4fd66a2e02522c002a002b00" +
        "5364ca754a66e04cf2e05a234f76f71851bd8d2f7a9478f146c24c1e0556b4b7b205778e0bd36a189233c001cd5e5976dc5bf8d1" +
        "2fc8101b0143f965f8995ec70e5e556eda1ad8ca1f61ea9d8925bd353e54e363c11e48bdc823e94b7b0f2370277832ad94073963" +
        "cc60e7608a3e4d16b811f1616f97a5e85c4ce18fd98a56c5018db64a27f2474d78a775406fcd956a7476ecd3b3e13aa101388386" +
        "5ceb736177ce96ea6d56e89135f30e00";

    // Same frame; the descriptor byte differs only in the content-checksum flag.
    private const string ZstdReference = "28b52ffd60" + ZstdFramePayload;
    private const string ZstdReferenceWithChecksum = "28b52ffd64" + ZstdFramePayload + "37c3f6ec";

    private static byte[] FixtureBody() =>
        Enumerable.Range(0, 300).Select(i => (byte)(i % 3 != 0 ? (i * i * 7 + 3) & 0xff : 0)).ToArray();

    private static byte[] Envelope(CompressionMode mode, byte[] payload, byte minor = 1)
    {
        var bytes = new byte[SealHeader.ByteCount + payload.Length];
        new SealHeader(SealHeader.SealMagic, 16, 4, minor, mode, (ulong)bytes.Length).Write(bytes);
        payload.CopyTo(bytes, SealHeader.ByteCount);
        return bytes;
    }

    private static byte[] Save(CompressionMode mode, byte[] body)
    {
        using var stream = new MemoryStream();
        long written = SealSerialization.Save(stream, mode, body);
        Assert.Equal(stream.Length, written);
        return stream.ToArray();
    }

    private static byte[] Read(byte[] data, long maxBytes, out SealHeader header)
    {
        using var stream = new MemoryStream(data);
        return SealSerialization.ReadBody(stream, maxBytes, out header);
    }

    private static byte[] CompressibleBody(int length)
    {
        var rng = new Random(7);
        var body = new byte[length];
        for (int i = 0; i < length; i += 8)
        {
            body[i] = (byte)rng.Next();
            body[Math.Min(i + 1, length - 1)] = (byte)rng.Next();
        }

        return body;
    }

    public static TheoryData<CompressionMode> Modes => [CompressionMode.None, CompressionMode.Zlib, CompressionMode.Zstd];

    [Theory]
    [MemberData(nameof(Modes))]
    public void RoundTrips(CompressionMode mode)
    {
        foreach (int length in new[] { 0, 1, 300, 100_000 })
        {
            byte[] body = CompressibleBody(length);
            byte[] saved = Save(mode, body);
            byte[] loaded = Read(saved, 1 << 20, out SealHeader header);
            Assert.Equal(body, loaded);
            Assert.Equal(mode, header.ComprMode);
            Assert.Equal((ulong)saved.Length, header.Size);
            Assert.Equal(4, header.VersionMajor);
            Assert.Equal(1, header.VersionMinor);
            Assert.True(saved.Length <= SealSerialization.SaveSize(length, mode));
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void IncompressibleDataStaysWithinSaveSize(CompressionMode mode)
    {
        foreach (int length in new[] { 1, 1000, 131_072, 1 << 20 })
        {
            var body = new byte[length];
            new Random(length).NextBytes(body);
            byte[] saved = Save(mode, body);
            Assert.True(saved.Length <= SealSerialization.SaveSize(length, mode), $"{mode} {length}: {saved.Length}");
            Assert.Equal(body, Read(saved, 2 << 20, out _));
        }
    }

    [Fact]
    public void NoneIsHeaderThenBody()
    {
        byte[] saved = Save(CompressionMode.None, [1, 2, 3]);
        Assert.Equal("5ea11004010000001300000000000000010203", Convert.ToHexStringLower(saved));
    }

    [Fact]
    public void SaveSizeMatchesSealFormulas()
    {
        Assert.Equal(16 + 1000, SealSerialization.SaveSize(1000, CompressionMode.None));
        Assert.Equal(16 + 1000 + 0 + 0 + 0 + 17, SealSerialization.SaveSize(1000, CompressionMode.Zlib));
        long n = 1L << 26;
        Assert.Equal(16 + n + (n >> 12) + (n >> 14) + (n >> 25) + 17, SealSerialization.SaveSize(n, CompressionMode.Zlib));
        Assert.Equal(16 + 1000 + 3 + ((131072 - 1000) >> 11), SealSerialization.SaveSize(1000, CompressionMode.Zstd));
        Assert.Equal(16 + 131072 + 512, SealSerialization.SaveSize(131072, CompressionMode.Zstd));
        Assert.Throws<SealCompressionException>(() => SealSerialization.SaveSize(10, (CompressionMode)9));
        Assert.Throws<OverflowException>(() => SealSerialization.SaveSize(long.MaxValue, CompressionMode.Zlib));
    }

    [Fact]
    public void ReadsReferenceZlibStream()
    {
        byte[] body = Read(Envelope(CompressionMode.Zlib, Convert.FromHexString(ZlibReference)), 1000, out _);
        Assert.Equal(FixtureBody(), body);
    }

    [Theory]
    [InlineData(ZstdReference)]
    [InlineData(ZstdReferenceWithChecksum)]
    public void ReadsReferenceZstdFrames(string frame)
    {
        byte[] body = Read(Envelope(CompressionMode.Zstd, Convert.FromHexString(frame)), 1000, out _);
        Assert.Equal(FixtureBody(), body);
    }

    [Fact]
    public void ZstdFramesDeclareContentSizeWithoutChecksum()
    {
        byte[] saved = Save(CompressionMode.Zstd, FixtureBody());
        Assert.Equal("28b52ffd", Convert.ToHexStringLower(saved.AsSpan(16, 4)));
        byte descriptor = saved[20];
        Assert.NotEqual(0, descriptor >> 6 | (descriptor >> 5 & 1));
        Assert.Equal(0, descriptor & 0x04);
    }

    [Fact]
    public void ZstdWindowStaysWithinSeal443DecoderLimit()
    {
        // SEAL 4.3.3+ decodes with ZSTD_d_windowLogMax = 23; large bodies must not get a bigger window.
        byte[] saved = Save(CompressionMode.Zstd, new byte[24 << 20]);
        byte descriptor = saved[20];
        Assert.Equal(0, descriptor & 0x20);
        byte windowDescriptor = saved[21];
        Assert.True(10 + (windowDescriptor >> 3) <= 23, $"window log {10 + (windowDescriptor >> 3)}");
    }

    [Fact]
    public void RejectsHighlyCompressedFrameNeedingALargerWindowThanSeal()
    {
        byte[] frame;
        using (var compressor = new ZstdSharp.Compressor(3))
        {
            compressor.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_windowLog, 24);
            frame = compressor.Wrap(new byte[20 << 20]).ToArray();
        }

        Assert.Equal(24, 10 + (frame[5] >> 3));
        Assert.Throws<SealCompressionException>(() => Read(Envelope(CompressionMode.Zstd, frame), 32 << 20, out _));
    }

    [Fact]
    public void SaveWithWriterEqualsSaveWithSpan()
    {
        using var stream = new MemoryStream();
        long written = SealSerialization.Save(stream, CompressionMode.None, w =>
        {
            w.WriteUInt64(7);
            w.WriteByte(1);
        });
        Assert.Equal(Save(CompressionMode.None, [7, 0, 0, 0, 0, 0, 0, 0, 1]), stream.ToArray());
        Assert.Equal(25, written);
    }

    [Fact]
    public void ConsumesExactlyTheDeclaredSize()
    {
        byte[] first = Save(CompressionMode.Zstd, CompressibleBody(5000));
        byte[] second = Save(CompressionMode.Zlib, CompressibleBody(77));
        using var stream = new MemoryStream([.. first, .. second]);
        Assert.Equal(CompressibleBody(5000), SealSerialization.ReadBody(stream, 1 << 20, out _));
        Assert.Equal(first.Length, stream.Position);
        Assert.Equal(CompressibleBody(77), SealSerialization.ReadBody(stream, 1 << 20, out _));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void RejectsTruncatedStream(CompressionMode mode)
    {
        byte[] saved = Save(mode, CompressibleBody(3000));
        foreach (int cut in new[] { 0, 5, 15, 16, saved.Length / 2, saved.Length - 1 })
        {
            var e = Assert.Throws<SealFormatException>(() => Read(saved[..cut], 1 << 20, out _));
            Assert.NotNull(e.Offset);
            using var nonSeekable = new NonSeekableStream(saved[..cut]);
            Assert.Throws<SealFormatException>(() => SealSerialization.ReadBody(nonSeekable, 1 << 20, out _));
        }
    }

    [Theory]
    [InlineData(CompressionMode.Zlib)]
    [InlineData(CompressionMode.Zstd)]
    public void RejectsTruncatedCompressedPayloadEvenWhenSizeAgrees(CompressionMode mode)
    {
        byte[] saved = Save(mode, CompressibleBody(3000));
        byte[] payload = saved[16..];
        foreach (int cut in new[] { 0, 1, 2, payload.Length / 2, payload.Length - 4, payload.Length - 1 })
        {
            Assert.Throws<SealCompressionException>(() => Read(Envelope(mode, payload[..cut]), 1 << 20, out _));
        }
    }

    [Theory]
    [InlineData(CompressionMode.Zlib)]
    [InlineData(CompressionMode.Zstd)]
    public void RejectsDataAfterTheCompressedStream(CompressionMode mode)
    {
        byte[] payload = Save(mode, CompressibleBody(3000))[16..];
        Assert.Throws<SealCompressionException>(() => Read(Envelope(mode, [.. payload, 0, 0, 0, 0, 0]), 1 << 20, out _));
    }

    [Fact]
    public void ZlibCorruptionNeverYieldsAWrongBody()
    {
        // Adler-32 covers the whole body; only flips in the final byte's unused padding bits are harmless.
        byte[] body = CompressibleBody(3000);
        byte[] payload = Save(CompressionMode.Zlib, body)[16..];
        for (int i = 0; i < payload.Length; i++)
        {
            byte[] corrupt = (byte[])payload.Clone();
            corrupt[i] ^= 0x5A;
            var data = Envelope(CompressionMode.Zlib, corrupt);
            byte[]? loaded = null;
            var e = Record.Exception(() => loaded = Read(data, 1 << 20, out _));
            Assert.True(e is SealCompressionException or SealFormatException || (e is null && body.SequenceEqual(loaded!)), $"byte {i}: {e?.GetType()}");
        }
    }

    [Fact]
    public void CorruptZstdDataFailsOnlyWithEngineExceptions()
    {
        // SEAL writes no frame checksum, so a flipped literal byte can decode "successfully";
        // object loaders catch that. The envelope must never fail with anything but engine errors.
        byte[] payload = Save(CompressionMode.Zstd, CompressibleBody(3000))[16..];
        int detected = 0;
        for (int i = 0; i < payload.Length; i++)
        {
            byte[] corrupt = (byte[])payload.Clone();
            corrupt[i] ^= 0x5A;
            var data = Envelope(CompressionMode.Zstd, corrupt);
            var e = Record.Exception(() => Read(data, 1 << 20, out _));
            Assert.True(e is null or SealCompressionException or SealFormatException, $"byte {i}: {e?.GetType()}");
            detected += e is null ? 0 : 1;
        }

        Assert.True(detected > 0);
    }

    [Theory]
    [InlineData(CompressionMode.Zlib)]
    [InlineData(CompressionMode.Zstd)]
    public void RejectsDecompressionBomb(CompressionMode mode)
    {
        byte[] saved = Save(mode, new byte[10_000_000]);
        Assert.True(saved.Length < 20_000);
        Assert.Throws<SealFormatException>(() => Read(saved, 1_000_000, out _));
        Assert.Throws<SealFormatException>(() => Read(saved, 9_999_999, out _));
        Assert.Equal(10_000_000, Read(saved, 10_000_000, out _).Length);
    }

    [Fact]
    public void RejectsHugeDeclaredSizeBeforeAllocating()
    {
        byte[] data = Envelope(CompressionMode.None, [1, 2, 3]);
        new SealHeader(SealHeader.SealMagic, 16, 4, 1, CompressionMode.None, ulong.MaxValue).Write(data);
        Assert.Throws<SealFormatException>(() => Read(data, long.MaxValue, out _));
        new SealHeader(SealHeader.SealMagic, 16, 4, 1, CompressionMode.None, 1UL << 40).Write(data);
        Assert.Throws<SealFormatException>(() => Read(data, 1 << 20, out _));
        Assert.Throws<SealFormatException>(() => Read(data, long.MaxValue, out _));
        using var nonSeekable = new NonSeekableStream(data);
        Assert.Throws<SealFormatException>(() => SealSerialization.ReadBody(nonSeekable, long.MaxValue, out _));
    }

    [Fact]
    public void RejectsSizeBelowHeader()
    {
        byte[] data = Envelope(CompressionMode.None, []);
        new SealHeader(SealHeader.SealMagic, 16, 4, 1, CompressionMode.None, 15).Write(data);
        Assert.Throws<SealFormatException>(() => Read(data, 1000, out _));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void RejectsUnknownCompressionByte(byte mode)
    {
        Assert.Throws<SealCompressionException>(() => Read(Envelope((CompressionMode)mode, [0]), 1000, out _));
        Assert.Throws<SealCompressionException>(() => Save((CompressionMode)mode, [0]));
    }

    [Fact]
    public void RejectsBadMagicHeaderSizeReservedAndVersion()
    {
        byte[] good = Save(CompressionMode.None, [9, 9]);
        Read(good, 1000, out _);

        byte[] badMagic = (byte[])good.Clone();
        badMagic[0] = 0x5F;
        Assert.Throws<SealFormatException>(() => Read(badMagic, 1000, out _));

        byte[] badHeaderSize = (byte[])good.Clone();
        badHeaderSize[2] = 17;
        Assert.Throws<SealFormatException>(() => Read(badHeaderSize, 1000, out _));

        byte[] badReserved = (byte[])good.Clone();
        badReserved[7] = 1;
        Assert.Throws<SealFormatException>(() => Read(badReserved, 1000, out _));

        byte[] newerMinor = (byte[])good.Clone();
        newerMinor[4] = 5;
        Assert.Throws<SealFormatException>(() => Read(newerMinor, 1000, out _));

        byte[] newestReadable = (byte[])good.Clone();
        newestReadable[4] = 4;
        Assert.Equal(new byte[] { 9, 9 }, Read(newestReadable, 1000, out SealHeader header));
        Assert.Equal(4, header.VersionMinor);

        byte[] oldMajor = (byte[])good.Clone();
        oldMajor[3] = 3;
        oldMajor[4] = 6;
        Assert.Throws<SealFormatException>(() => Read(oldMajor, 1000, out _));
    }

    [Fact]
    public void DefaultModeIsZstd()
    {
        Assert.Equal(CompressionMode.Zstd, SealSerialization.DefaultCompression);
    }

    private sealed class NonSeekableStream(byte[] data) : Stream
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

        public override void Flush()
        {
        }

        // Returns short reads to exercise the incremental path.
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

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
