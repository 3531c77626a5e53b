using System.Buffers.Binary;

namespace HeCompute.Dicom.Codecs;

/// <summary>RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, one PackBits segment per
/// byte of each sample (most significant byte first, sample by sample).</summary>
public sealed class RleCodec : IDicomCodec
{
    private const int HeaderLength = 64;

    /// <inheritdoc />
    public DicomTransferSyntax TransferSyntax => DicomTransferSyntax.RLELossless;

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();
        if (destination.Length != info.DecodedLength)
        {
            throw new ArgumentException("Destination length does not match the frame.", nameof(destination));
        }

        if (encodedFrame.Length < HeaderLength)
        {
            throw new DicomCodecException($"RLE frame of {encodedFrame.Length} bytes is shorter than its 64-byte header.");
        }

        int bytesPerSample = info.BytesPerSample;
        int samples = info.SamplesPerPixel;
        uint segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(encodedFrame);
        int expected = bytesPerSample * samples;
        if (segmentCount != expected)
        {
            throw new DicomCodecException(
                $"RLE header declares {segmentCount} segments; {samples} samples of {bytesPerSample} bytes need {expected}.");
        }

        int pixelCount = checked((int)info.PixelCount);
        int stride = samples * bytesPerSample;
        for (int segment = 0; segment < expected; segment++)
        {
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(encodedFrame[(4 + (4 * segment))..]);
            uint end = segment + 1 < expected
                ? BinaryPrimitives.ReadUInt32LittleEndian(encodedFrame[(8 + (4 * segment))..])
                : (uint)encodedFrame.Length;
            if (start < HeaderLength || start > end || end > encodedFrame.Length)
            {
                throw new DicomCodecException($"RLE segment {segment + 1} has invalid bounds [{start}, {end}) in a {encodedFrame.Length}-byte frame.");
            }

            int sample = segment / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - (segment % bytesPerSample); // segments go most significant byte first
            int offset = (sample * bytesPerSample) + byteInSample;
            DecodeSegment(encodedFrame[(int)start..(int)end], destination, offset, stride, pixelCount, segment + 1);
        }
    }

    // PackBits: n in [0, 127] copies the next n+1 bytes, n in [-127, -1] repeats the next byte 1-n times, -128 is a no-op.
    private static void DecodeSegment(ReadOnlySpan<byte> segment, Span<byte> destination, int offset, int stride, int count, int number)
    {
        int produced = 0;
        int position = 0;
        int outIndex = offset;
        while (produced < count)
        {
            if (position >= segment.Length)
            {
                throw new DicomCodecException($"RLE segment {number} ends after {produced} of {count} bytes.");
            }

            int header = (sbyte)segment[position++];
            if (header >= 0)
            {
                int run = header + 1;
                if (position + run > segment.Length)
                {
                    throw new DicomCodecException($"RLE segment {number}: literal run overruns the segment.");
                }

                run = Math.Min(run, count - produced);
                for (int i = 0; i < run; i++)
                {
                    destination[outIndex] = segment[position + i];
                    outIndex += stride;
                }

                position += header + 1;
                produced += run;
            }
            else if (header != -128)
            {
                if (position >= segment.Length)
                {
                    throw new DicomCodecException($"RLE segment {number}: replicate run overruns the segment.");
                }

                byte value = segment[position++];
                int run = Math.Min(1 - header, count - produced);
                for (int i = 0; i < run; i++)
                {
                    destination[outIndex] = value;
                    outIndex += stride;
                }

                produced += run;
            }
        }
    }
}
