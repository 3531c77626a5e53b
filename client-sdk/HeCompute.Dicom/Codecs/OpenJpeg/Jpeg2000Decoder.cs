using System.Runtime.InteropServices;
using static HeCompute.Dicom.Codecs.OpenJpeg.OpenJpegNative;

namespace HeCompute.Dicom.Codecs.OpenJpeg;

/// <summary>Decodes one JPEG 2000 (Part 1, or Part 15 HTJ2K) codestream — or a JP2 file, which some writers put in
/// DICOM — from memory with OpenJPEG. The stream is read through callbacks over the caller's bytes, never a
/// temporary file. The main header (SIZ) is checked against the dataset's Image Pixel attributes before any sample
/// is decoded, so a codestream can make OpenJPEG allocate no more than the declared image needs.</summary>
internal static class Jpeg2000Decoder
{
    private const int StreamChunk = 1 << 16;

    /// <summary>Decodes <paramref name="encoded"/> into one plane per component. OpenJPEG undoes the reversible or
    /// irreversible component transform (RCT/ICT) when the codestream's COD says it was applied.</summary>
    /// <exception cref="DicomCodecException">The library is missing, the codestream is malformed or truncated, or its
    /// SIZ does not match the dataset.</exception>
    public static unsafe IDecodedPlanes Decode(ReadOnlySpan<byte> encoded, DicomFrameInfo info)
    {
        EnsureLoaded();
        if (encoded.Length < 2)
        {
            throw new DicomCodecException($"the frame has {encoded.Length} bytes, too few for a codestream.");
        }

        var messages = new List<string>();
        var messagesHandle = GCHandle.Alloc(messages);
        nint stream = 0;
        nint codec = 0;
        Image* image = null;
        try
        {
            fixed (byte* data = encoded)
            {
                var source = new MemorySource { Data = data, Length = encoded.Length };
                stream = StreamCreate(StreamChunk, 1);
                if (stream == 0)
                {
                    throw new DicomCodecException("OpenJPEG could not create a stream.");
                }

                StreamSetReadFunction(stream, &Read);
                StreamSetSkipFunction(stream, &Skip);
                StreamSetSeekFunction(stream, &Seek);
                StreamSetUserData(stream, (nint)(&source), 0);
                StreamSetUserDataLength(stream, (ulong)encoded.Length);

                codec = CreateDecompress(IsJp2(encoded) ? CodecJp2 : CodecJ2k);
                if (codec == 0)
                {
                    throw new DicomCodecException("OpenJPEG could not create a decoder.");
                }

                nint client = GCHandle.ToIntPtr(messagesHandle);
                SetErrorHandler(codec, &Collect, client);
                SetWarningHandler(codec, &Ignore, 0);
                SetInfoHandler(codec, &Ignore, 0);
                DecoderParameters parameters;
                SetDefaultDecoderParameters(&parameters);
                Require(SetupDecoder(codec, &parameters), "setting up the decoder", messages);
                Require(SetStrictMode(codec, 1), "setting strict mode", messages); // a truncated codestream is an error, not a partial image

                Require(ReadHeader(stream, codec, &image), "reading the main header", messages);
                CheckHeader(image, info);
                Require(OpenJpegNative.Decode(codec, stream, image), "decoding", messages);
                Require(EndDecompress(codec, stream), "reading the end of the codestream", messages);
                return CopyPlanes(image, info);
            }
        }
        finally
        {
            if (image is not null)
            {
                ImageDestroy(image);
            }

            if (codec != 0)
            {
                DestroyCodec(codec);
            }

            if (stream != 0)
            {
                StreamDestroy(stream);
            }

            messagesHandle.Free();
        }
    }

    // JP2 files start with the 12-byte signature box: length 12, type 'jP  ', content 0D0A870A.
    private static bool IsJp2(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && data[..4].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 12]) && data[4] == 0x6A && data[5] == 0x50;

    private static void Require(int ok, string step, List<string> messages)
    {
        if (ok == 0)
        {
            string detail = messages.Count > 0 ? string.Join("; ", messages.Select(m => m.Trim())) : "no detail given";
            throw new DicomCodecException($"malformed JPEG 2000 codestream: OpenJPEG failed {step} ({detail}).");
        }
    }

    private static unsafe void CheckHeader(Image* image, DicomFrameInfo info)
    {
        long width = (long)image->X1 - image->X0;
        long height = (long)image->Y1 - image->Y0;
        if (width != info.Columns || height != info.Rows || image->ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomCodecException(
                $"the JPEG 2000 frame is {width}x{height} with {image->ComponentCount} components; " +
                $"the dataset says {info.Columns}x{info.Rows} with {info.SamplesPerPixel} samples per pixel.");
        }

        int maxPrecision = Math.Min(16, 8 * info.BytesPerSample);
        for (int c = 0; c < image->ComponentCount; c++)
        {
            var component = image->Components[c];
            if (component.Dx != 1 || component.Dy != 1 || component.Width != width || component.Height != height)
            {
                throw new DicomCodecException(
                    $"JPEG 2000 component {c} is {component.Width}x{component.Height} subsampled {component.Dx}x{component.Dy}; DICOM needs every component at full size.");
            }

            if (component.Precision < 1 || component.Precision > maxPrecision)
            {
                throw new DicomCodecException(
                    $"JPEG 2000 component {c} has {component.Precision}-bit samples, which do not fit Bits Allocated {info.BitsAllocated}.");
            }
        }
    }

    private static unsafe DecodedPlanes CopyPlanes(Image* image, DicomFrameInfo info)
    {
        int pixels = checked((int)info.PixelCount);
        var planes = new int[image->ComponentCount][];
        int precision = 0;
        for (int c = 0; c < planes.Length; c++)
        {
            var component = image->Components[c];
            if (component.Data is null)
            {
                throw new DicomCodecException($"OpenJPEG decoded no samples for component {c}.");
            }

            planes[c] = new ReadOnlySpan<int>(component.Data, pixels).ToArray();
            precision = Math.Max(precision, (int)component.Precision);
        }

        return new DecodedPlanes(info.Columns, info.Rows, precision, planes);
    }

    [UnmanagedCallersOnly]
    private static unsafe nuint Read(nint buffer, nuint count, nint user)
    {
        var source = (MemorySource*)user;
        long remaining = source->Length - source->Position;
        if (remaining <= 0)
        {
            return nuint.MaxValue; // (OPJ_SIZE_T)-1: end of stream
        }

        long n = count < (ulong)remaining ? (long)count : remaining;
        Buffer.MemoryCopy(source->Data + source->Position, (void*)buffer, n, n);
        source->Position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly]
    private static unsafe long Skip(long count, nint user)
    {
        var source = (MemorySource*)user;
        long target = source->Position + count;
        if (target < 0 || target > source->Length)
        {
            return -1;
        }

        source->Position = target;
        return count;
    }

    [UnmanagedCallersOnly]
    private static unsafe int Seek(long position, nint user)
    {
        var source = (MemorySource*)user;
        if (position < 0 || position > source->Length)
        {
            return 0;
        }

        source->Position = position;
        return 1;
    }

    [UnmanagedCallersOnly]
    private static void Collect(nint message, nint client)
    {
        if (GCHandle.FromIntPtr(client).Target is List<string> messages && messages.Count < 8 && message != 0)
        {
            messages.Add(Marshal.PtrToStringUTF8(message) ?? string.Empty);
        }
    }

    [UnmanagedCallersOnly]
    private static void Ignore(nint message, nint client)
    {
    }

    private unsafe struct MemorySource
    {
        public byte* Data;
        public long Length;
        public long Position;
    }

    private sealed class DecodedPlanes(int width, int height, int precision, int[][] planes) : IDecodedPlanes
    {
        public int Width => width;

        public int Height => height;

        public int Precision => precision;

        public int ComponentCount => planes.Length;

        public int[] GetPlane(int component) => planes[component];
    }
}
