using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Serialization;

/// <summary>zlib (RFC 1950) framing of SEAL bodies, compatible with SEAL's deflate/inflate use.</summary>
internal static class ZlibCodec
{
    private const int HeaderBytes = 2;
    private const int TrailerBytes = 4;

    // What zlib's deflate emits for no input: header, an empty final fixed-Huffman block, Adler-32 of nothing.
    private static ReadOnlySpan<byte> EmptyStream => [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    /// <summary>Compresses into a buffer the caller must wipe; returns the compressed length.</summary>
    public static int Compress(ReadOnlySpan<byte> body, out byte[] buffer)
    {
        if (body.IsEmpty)
        {
            // ZLibStream writes nothing at all when given nothing, which no inflater accepts.
            buffer = EmptyStream.ToArray();
            return buffer.Length;
        }

        // Level 6 is what SEAL's Z_DEFAULT_COMPRESSION means.
        var options = new ZLibCompressionOptions { CompressionLevel = 6 };
        int bound = (int)Math.Min(SealSerialization.ComprSizeBound(body.Length, CompressionMode.Zlib), Array.MaxLength);
        using var output = new MemoryStream(bound);
        using (var zlib = new ZLibStream(output, options, leaveOpen: true))
        {
            zlib.Write(body);
        }

        buffer = output.GetBuffer();
        return checked((int)output.Length);
    }

    public static byte[] Decompress(byte[] payload, int maxBodyBytes)
    {
        if (payload.Length < HeaderBytes + TrailerBytes)
        {
            throw new SealCompressionException("zlib stream truncated");
        }

        ValidateHeader(payload[0], payload[1]);

        // SEAL bodies compress by small factors, so twice the input rarely needs regrowth.
        var output = new CappedBuffer((payload.Length * 2L) + 4096, maxBodyBytes + 1);
        try
        {
            using var input = new MemoryStream(payload, writable: false);
            using var zlib = new ZLibStream(input, System.IO.Compression.CompressionMode.Decompress);
            int read;
            while (!output.IsAtLimit && (read = zlib.Read(output.FreeSpan)) > 0)
            {
                output.Advance(read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new SealCompressionException("corrupt zlib stream", e);
        }
        catch (IOException e)
        {
            // The native inflater reports some states (ZLibException) as I/O errors rather than bad data.
            throw new SealCompressionException("corrupt zlib stream", e);
        }

        if (output.Length > maxBodyBytes)
        {
            throw new SealFormatException($"decompressed body exceeds the allowed {maxBodyBytes} bytes");
        }

        // .NET's inflater reports a stream cut anywhere (even inside the Adler-32 trailer) as a clean
        // end of data. SEAL writes the stream and nothing after it, so the payload's last four bytes
        // must be the checksum of what was inflated; that catches truncation and trailing junk alike.
        uint expected = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(payload.Length - TrailerBytes));
        if (Adler32.Compute(output.WrittenSpan) != expected)
        {
            CryptographicOperations.ZeroMemory(output.Detach());
            throw new SealCompressionException("zlib stream truncated, corrupt or followed by extra data");
        }

        return output.Detach();
    }

    // RFC 1950 §2.2. The inflater would judge these bytes too, but reports a preset dictionary as
    // an I/O error; checking here gives every bad header the same specific, documented error.
    private static void ValidateHeader(byte cmf, byte flg)
    {
        const int Deflate = 8;
        const int MaxWindowInfo = 7;
        const int PresetDictionary = 0x20;
        if ((cmf & 0x0F) != Deflate)
        {
            throw new SealCompressionException($"zlib header names compression method {cmf & 0x0F}, not deflate (8)");
        }

        if (cmf >> 4 > MaxWindowInfo)
        {
            throw new SealCompressionException($"zlib header declares a window of 2^{(cmf >> 4) + 8} bytes, above the 2^15 deflate allows");
        }

        if (((cmf << 8) | flg) % 31 != 0)
        {
            throw new SealCompressionException("zlib header check bits are wrong");
        }

        if ((flg & PresetDictionary) != 0)
        {
            // SEAL never writes one and a SEAL body has no way to name which dictionary it would be.
            throw new SealCompressionException("zlib stream requires a preset dictionary, which SEAL bodies never use");
        }
    }
}
