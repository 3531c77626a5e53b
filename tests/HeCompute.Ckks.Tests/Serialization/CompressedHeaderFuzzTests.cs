using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Serialization;

/// <summary>
/// Every flag a zlib or Zstandard header can carry, written into a real compressed ciphertext: the loader either
/// reads the original ciphertext back or raises a <see cref="SealException"/>, and each attempt stays within an
/// allocation bound tied to the input size.
/// </summary>
public sealed class CompressedHeaderFuzzTests
{
    // Offset of the compressed stream: it follows the 16-byte SEAL header.
    private const int Body = SealHeader.ByteCount;

    private static readonly Parameters Context = Parameters.Create(new ParametersLiteral(1024, CoeffModulus.Create(1024, [27])));

    private static (Ciphertext Original, byte[] Bytes) Saved(CompressionMode mode)
    {
        var keygen = new KeyGenerator(Context);
        var plain = new Plaintext();
        new Encoder(Context).Encode(new[] { 1.0, -2.0, 3.5 }, 1 << 10, plain);
        var ct = new Ciphertext();
        new Encryptor(Context, keygen.SecretKey).EncryptSymmetric(plain, ct);
        using var stream = new MemoryStream();
        ct.Save(stream, mode);
        return (ct, stream.ToArray());
    }

    // Loads hostile bytes; returns whether they loaded, after checking that a load gave back the original.
    private static bool LoadsOrRaisesSealException(Ciphertext original, byte[] bytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool loaded;
        try
        {
            var ct = new Ciphertext();
            ct.Load(Context, new MemoryStream(bytes));
            Assert.True(original.Data.SequenceEqual(ct.Data), "a mutated header loaded as a different ciphertext");
            loaded = true;
        }
        catch (SealException)
        {
            loaded = false;
        }

        // The Zstandard codec believes a declared content size up to 64 times the input (plus 64 KiB), then
        // the body and the ciphertext: bounded by the input, never by the decompression limit. A header that
        // made the loader trust a huge declared size would break this.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= (72L * bytes.Length) + (256 << 10), $"one load allocated {allocated} bytes for {bytes.Length} input bytes");
        return loaded;
    }

    [Fact]
    public void PresetDictionaryFlagIsRefusedAsACompressionError()
    {
        var (_, bytes) = Saved(CompressionMode.Zlib);
        Assert.Equal(0x78, bytes[Body]);
        bytes[Body + 1] = 0x20; // FDICT set, FLEVEL 0; 0x7820 is a multiple of 31, so the check bits pass.

        var error = Assert.Throws<SealCompressionException>(() => new Ciphertext().Load(Context, new MemoryStream(bytes)));
        Assert.Contains("preset dictionary", error.Message);
    }

    [Theory]
    [InlineData(0x79, "compression method 9")]
    [InlineData(0x88, "window of 2^16")]
    public void ZlibHeaderWithAnotherMethodOrWindowIsRefused(byte cmf, string reason)
    {
        var (_, bytes) = Saved(CompressionMode.Zlib);
        bytes[Body] = cmf;
        bytes[Body + 1] = (byte)(31 - ((cmf << 8) % 31)); // right check bits, so only the named field is wrong

        var error = Assert.Throws<SealCompressionException>(() => new Ciphertext().Load(Context, new MemoryStream(bytes)));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void EveryZlibHeaderFlagCombinationLoadsOrRaisesSealException()
    {
        var (original, bytes) = Saved(CompressionMode.Zlib);
        var attempts = 0;
        var loads = 0;

        // Deflate with a 32 KiB window and every FLG byte: all FLEVEL × FDICT × FCHECK values.
        for (var flg = 0; flg < 256; flg++)
        {
            var mutated = (byte[])bytes.Clone();
            mutated[Body] = 0x78;
            mutated[Body + 1] = (byte)flg;
            loads += LoadsOrRaisesSealException(original, mutated) ? 1 : 0;
            attempts++;
        }

        // Every CMF byte (method, window) with every FLEVEL × FDICT and the check bits that make the header consistent.
        for (var cmf = 0; cmf < 256; cmf++)
        {
            for (var flags = 0; flags < 8; flags++)
            {
                int flg = flags << 5;
                flg |= (31 - (((cmf << 8) | flg) % 31)) % 31;
                var mutated = (byte[])bytes.Clone();
                mutated[Body] = (byte)cmf;
                mutated[Body + 1] = (byte)flg;
                loads += LoadsOrRaisesSealException(original, mutated) ? 1 : 0;
                attempts++;
            }
        }

        Assert.Equal(256 + (256 * 8), attempts);

        // Only deflate without a dictionary can load: 8 windows × 4 levels in the second loop, 4 levels in the first.
        Assert.InRange(loads, 1, (8 * 4) + 4);
    }

    [Fact]
    public void EveryZstdFrameHeaderByteLoadsOrRaisesSealException()
    {
        var (original, bytes) = Saved(CompressionMode.Zstd);
        Assert.Equal([0x28, 0xB5, 0x2F, 0xFD], bytes[Body..(Body + 4)]);
        var attempts = 0;

        // The frame header descriptor (content-size field size, single segment, reserved, checksum, dictionary id)
        // and the byte after it (window descriptor, dictionary id or content size, depending on the descriptor).
        for (var at = Body + 4; at <= Body + 5; at++)
        {
            for (var value = 0; value < 256; value++)
            {
                var mutated = (byte[])bytes.Clone();
                mutated[at] = (byte)value;
                LoadsOrRaisesSealException(original, mutated);
                attempts++;
            }
        }

        Assert.Equal(512, attempts);
    }
}
