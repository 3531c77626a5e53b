using System.Security.Cryptography;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace HeCompute.Lattice.Serialization;

/// <summary>Zstandard framing of SEAL bodies: exactly one frame, as SEAL writes and reads.</summary>
internal static class ZstdCodec
{
    // SEAL's ZSTD_CLEVEL_DEFAULT; its window (at most 2^21) stays within every SEAL reader's limit.
    private const int CompressionLevel = 3;

    // SEAL 4.3.3+ caps the decoder window at 2^23 bytes, bounding the decoder's own memory.
    // (When the whole declared content fits the output buffer zstd decodes in one pass and needs
    // no window, so a larger-window frame can then still be accepted.)
    private const int WindowLogMax = 23;

    /// <summary>Compresses into a buffer the caller must wipe; returns the compressed length.</summary>
    public static int Compress(ReadOnlySpan<byte> body, out byte[] buffer)
    {
        using var compressor = new Compressor(CompressionLevel);
        buffer = new byte[checked((int)SealSerialization.ComprSizeBound(body.Length, CompressionMode.Zstd))];
        try
        {
            return compressor.Wrap(body, buffer);
        }
        catch (ZstdException e)
        {
            throw new SealCompressionException("Zstandard compression failed", e);
        }
    }

    public static unsafe byte[] Decompress(byte[] payload, int maxBodyBytes)
    {
        ZSTD_DCtx_s* context = Methods.ZSTD_createDCtx();
        if (context == null)
        {
            throw new SealCompressionException("could not create a Zstandard decoder");
        }

        try
        {
            Check(Methods.ZSTD_DCtx_setParameter(context, ZSTD_dParameter.ZSTD_d_windowLogMax, WindowLogMax));

            fixed (byte* source = payload)
            {
                var output = new CappedBuffer(InitialCapacity(source, payload.Length), maxBodyBytes + 1);
                var input = new ZSTD_inBuffer_s { src = source, size = (nuint)payload.Length, pos = 0 };
                nuint remaining;
                do
                {
                    Span<byte> free = output.FreeSpan;
                    fixed (byte* destination = free)
                    {
                        var chunk = new ZSTD_outBuffer_s { dst = destination, size = (nuint)free.Length, pos = 0 };
                        remaining = Check(Methods.ZSTD_decompressStream(context, &chunk, &input));
                        output.Advance((int)chunk.pos);

                        // Output room left over while input is exhausted means the decoder is waiting
                        // for bytes that are not there.
                        if (remaining != 0 && chunk.pos < chunk.size && input.pos == input.size)
                        {
                            throw new SealCompressionException("Zstandard frame truncated");
                        }
                    }

                    if (output.Length > maxBodyBytes)
                    {
                        throw new SealFormatException($"decompressed body exceeds the allowed {maxBodyBytes} bytes");
                    }
                }
                while (remaining != 0);

                if (input.pos != input.size)
                {
                    CryptographicOperations.ZeroMemory(output.Detach());
                    throw new SealCompressionException("data follows the Zstandard frame");
                }

                return output.Detach();
            }
        }
        finally
        {
            Methods.ZSTD_freeDCtx(context);
        }
    }

    // The frame header normally states the content size (SEAL's and ours do), which avoids
    // regrowing. It is believed only up to what the input could plausibly expand to, so a tiny
    // hostile frame cannot make us allocate maxBodyBytes before producing any output.
    private static unsafe long InitialCapacity(byte* source, int length)
    {
        const long plausibleExpansion = 64;
        const long slack = 64 << 10;
        ulong declared = Methods.ZSTD_getFrameContentSize(source, (nuint)length);
        return (long)Math.Min(declared, (ulong)((length * plausibleExpansion) + slack));
    }

    private static nuint Check(nuint result)
    {
        if (Methods.ZSTD_isError(result))
        {
            throw new SealCompressionException($"corrupt Zstandard stream: {Methods.ZSTD_getErrorName(result)}");
        }

        return result;
    }
}
