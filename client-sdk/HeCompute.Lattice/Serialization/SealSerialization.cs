using System.Security.Cryptography;

namespace HeCompute.Lattice.Serialization;

/// <summary>
/// SEAL's serialization envelope: a <see cref="SealHeader"/> followed by the object body, the
/// body optionally compressed as one zlib stream or one Zstandard frame.
/// </summary>
internal static class SealSerialization
{
    /// <summary>Major version written into headers.</summary>
    public const byte WriteVersionMajor = 4;

    /// <summary>
    /// Minor version written into headers. 4.1 because node-seal 7 (SEAL 4.1) refuses newer minors,
    /// and no body layout changed between 4.1 and 4.4.
    /// </summary>
    public const byte WriteVersionMinor = 1;

    /// <summary>The only major version accepted on read.</summary>
    public const byte ReadVersionMajor = 4;

    /// <summary>Newest minor version accepted on read (SEAL 4.4.3 accepts minor up to its own, 4).</summary>
    public const byte ReadVersionMinorMax = 4;

    /// <summary>
    /// Default compression. SEAL uses Zstandard when built with it (as its official builds and
    /// node-seal are), otherwise zlib; this engine always has Zstandard.
    /// </summary>
    public static CompressionMode DefaultCompression => CompressionMode.Zstd;

    /// <summary>Whether <paramref name="mode"/> is one of the three modes SEAL defines.</summary>
    /// <param name="mode">Mode to check; any byte value may arrive from the wire.</param>
    /// <returns><see langword="true"/> for None, ZLIB and ZSTD.</returns>
    public static bool IsSupportedCompression(CompressionMode mode) =>
        mode is CompressionMode.None or CompressionMode.Zlib or CompressionMode.Zstd;

    /// <summary>
    /// SEAL's <c>ComprSizeEstimate</c>: exact for None, otherwise SEAL's upper bound on the
    /// compressed size (zlib: <c>n + n/2^12 + n/2^14 + n/2^25 + 17</c>; Zstandard:
    /// <c>n + n/2^8 + (n &lt; 128 KiB ? (128 KiB - n)/2^11 : 0)</c>, all divisions flooring).
    /// </summary>
    /// <param name="rawSize">Uncompressed body size in bytes.</param>
    /// <param name="mode">Compression mode.</param>
    /// <returns>Bound on the bytes the body occupies after the header.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rawSize"/> is negative.</exception>
    /// <exception cref="SealCompressionException"><paramref name="mode"/> is not supported.</exception>
    /// <exception cref="OverflowException">The bound does not fit in 63 bits.</exception>
    public static long ComprSizeBound(long rawSize, CompressionMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rawSize);
        const long zstdSmallInput = 128 << 10;
        return mode switch
        {
            CompressionMode.None => rawSize,
            CompressionMode.Zlib => checked(rawSize + (rawSize >> 12) + (rawSize >> 14) + (rawSize >> 25) + 17),
            CompressionMode.Zstd => checked(
                rawSize + (rawSize >> 8) + (rawSize < zstdSmallInput ? (zstdSmallInput - rawSize) >> 11 : 0)),
            _ => throw UnsupportedMode(mode),
        };
    }

    /// <summary>
    /// SEAL's <c>save_size</c> for a body of <paramref name="rawBodySize"/> bytes: header plus
    /// <see cref="ComprSizeBound"/>. Exact for None, an upper bound otherwise.
    /// </summary>
    /// <param name="rawBodySize">Uncompressed body size in bytes.</param>
    /// <param name="mode">Compression mode.</param>
    /// <returns>Bytes <see cref="Save(Stream, CompressionMode, ReadOnlySpan{byte})"/> writes at most.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rawBodySize"/> is negative.</exception>
    /// <exception cref="SealCompressionException"><paramref name="mode"/> is not supported.</exception>
    public static long SaveSize(long rawBodySize, CompressionMode mode) =>
        checked(SealHeader.ByteCount + ComprSizeBound(rawBodySize, mode));

    /// <summary>Writes header and body (compressed per <paramref name="mode"/>) to <paramref name="stream"/>.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="mode">Compression for the body.</param>
    /// <param name="body">Uncompressed object body.</param>
    /// <returns>Total bytes written, equal to the header's size field.</returns>
    /// <exception cref="SealCompressionException"><paramref name="mode"/> is not supported, or compression failed.</exception>
    public static long Save(Stream stream, CompressionMode mode, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[SealHeader.ByteCount];
        if (mode == CompressionMode.None)
        {
            long total = (long)SealHeader.ByteCount + body.Length;
            SealHeader.Create(mode, (ulong)total).Write(header);
            stream.Write(header);
            stream.Write(body);
            return total;
        }

        byte[] buffer;
        int length = mode switch
        {
            CompressionMode.Zlib => ZlibCodec.Compress(body, out buffer),
            CompressionMode.Zstd => ZstdCodec.Compress(body, out buffer),
            _ => throw UnsupportedMode(mode),
        };

        try
        {
            long total = (long)SealHeader.ByteCount + length;
            SealHeader.Create(mode, (ulong)total).Write(header);
            stream.Write(header);
            stream.Write(buffer, 0, length);
            return total;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// Builds the body with <paramref name="writeBody"/>, then writes it as
    /// <see cref="Save(Stream, CompressionMode, ReadOnlySpan{byte})"/> does. The body buffer is wiped afterwards.
    /// </summary>
    /// <param name="stream">Destination.</param>
    /// <param name="mode">Compression for the body.</param>
    /// <param name="writeBody">Writes the uncompressed body.</param>
    /// <returns>Total bytes written, equal to the header's size field.</returns>
    /// <exception cref="SealCompressionException"><paramref name="mode"/> is not supported, or compression failed.</exception>
    public static long Save(Stream stream, CompressionMode mode, Action<SealBodyWriter> writeBody)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(writeBody);
        if (!IsSupportedCompression(mode))
        {
            throw UnsupportedMode(mode);
        }

        var writer = new SealBodyWriter();
        try
        {
            writeBody(writer);
            return Save(stream, mode, writer.WrittenSpan);
        }
        finally
        {
            writer.Clear();
        }
    }

    /// <summary>
    /// Reads one serialized object and returns its uncompressed body. The header is fully
    /// validated before anything is allocated; exactly <c>Size</c> bytes are consumed.
    /// </summary>
    /// <param name="stream">Source, positioned at the start of the object.</param>
    /// <param name="maxBytes">
    /// Largest acceptable object: bounds both the header's size field and the decompressed body.
    /// </param>
    /// <param name="header">The object's header.</param>
    /// <returns>The uncompressed body (everything after the header).</returns>
    /// <exception cref="SealFormatException">
    /// Bad magic, header size, version, reserved field or size; size above <paramref name="maxBytes"/>;
    /// stream shorter than the declared size; body inflating past <paramref name="maxBytes"/>.
    /// </exception>
    /// <exception cref="SealCompressionException">Unknown compression mode or corrupt compressed data.</exception>
    public static byte[] ReadBody(Stream stream, long maxBytes, out SealHeader header)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);

        Span<byte> headerBytes = stackalloc byte[SealHeader.ByteCount];
        int got = stream.ReadAtLeast(headerBytes, SealHeader.ByteCount, throwOnEndOfStream: false);
        header = SealHeader.Read(headerBytes[..got]);
        header.Validate(maxBytes);

        long payloadLength = (long)header.Size - SealHeader.ByteCount;
        if (payloadLength > Array.MaxLength)
        {
            throw new SealFormatException($"SEAL object of {header.Size} bytes is too large to load", 8);
        }

        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (payloadLength > available)
            {
                throw SealFormatException.EndOfStream(
                    $"SEAL header declares {header.Size} bytes but the stream holds only {SealHeader.ByteCount + available}",
                    SealHeader.ByteCount + available);
            }
        }

        byte[] payload = ReadPayload(stream, (int)payloadLength);
        if (header.ComprMode == CompressionMode.None)
        {
            return payload;
        }

        int maxBodyBytes = (int)Math.Min(maxBytes, Array.MaxLength - 1);
        try
        {
            return header.ComprMode == CompressionMode.Zlib
                ? ZlibCodec.Decompress(payload, maxBodyBytes)
                : ZstdCodec.Decompress(payload, maxBodyBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    // A non-seekable stream cannot prove it holds the declared size up front, so memory grows
    // only as bytes actually arrive.
    private static byte[] ReadPayload(Stream stream, int length)
    {
        const int firstChunk = 1 << 20;
        byte[] payload = new byte[stream.CanSeek ? length : Math.Min(length, firstChunk)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == payload.Length)
            {
                byte[] grown = new byte[(int)Math.Min((long)payload.Length * 2, length)];
                payload.AsSpan(0, filled).CopyTo(grown);
                CryptographicOperations.ZeroMemory(payload);
                payload = grown;
            }

            int read = stream.Read(payload, filled, payload.Length - filled);
            if (read == 0)
            {
                CryptographicOperations.ZeroMemory(payload);
                throw SealFormatException.EndOfStream(
                    $"stream ended after {SealHeader.ByteCount + filled} of {SealHeader.ByteCount + (long)length} declared bytes",
                    SealHeader.ByteCount + filled);
            }

            filled += read;
        }

        return payload;
    }

    private static SealCompressionException UnsupportedMode(CompressionMode mode) =>
        new($"unsupported compression mode {(byte)mode}");
}
