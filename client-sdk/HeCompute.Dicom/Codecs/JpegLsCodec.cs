using System.Buffers.Binary;

namespace HeCompute.Dicom.Codecs;

/// <summary>JPEG-LS Lossless and Near-Lossless (T.87) with our own decoder (<see cref="JpegLsDecoder"/>).</summary>
public sealed class JpegLsCodec : IDicomCodec
{
    /// <summary>Creates the codec for JPEG-LS Lossless or JPEG-LS Near-Lossless.</summary>
    public JpegLsCodec(DicomTransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(transferSyntax);
        TransferSyntax = transferSyntax;
    }

    /// <inheritdoc />
    public DicomTransferSyntax TransferSyntax { get; }

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();
        if (destination.Length != info.DecodedLength)
        {
            throw new ArgumentException("Destination length does not match the frame.", nameof(destination));
        }

        JpegLsDecoder jls;
        try
        {
            jls = JpegLsDecoder.Decode(encodedFrame, info.Columns, info.Rows, info.SamplesPerPixel);
        }
        catch (DicomCodecException e)
        {
            throw new DicomCodecException($"{TransferSyntax.Name}: {e.Message}", e);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new DicomCodecException($"{TransferSyntax.Name}: malformed JPEG-LS stream ({e.Message}).", e);
        }

        if (jls.Width != info.Columns || jls.Height != info.Rows || jls.ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomCodecException(
                $"{TransferSyntax.Name}: the JPEG-LS frame is {jls.Width}x{jls.Height} with {jls.ComponentCount} components; " +
                $"the dataset says {info.Columns}x{info.Rows} with {info.SamplesPerPixel} samples per pixel.");
        }

        int bytesPerSample = info.BytesPerSample;
        if (bytesPerSample > 2 || (bytesPerSample == 1 && jls.Precision > 8))
        {
            throw new DicomCodecException($"{TransferSyntax.Name}: precision {jls.Precision} does not fit Bits Allocated {info.BitsAllocated}.");
        }

        int samples = info.SamplesPerPixel;
        int pixels = checked((int)info.PixelCount);
        for (int c = 0; c < samples; c++)
        {
            int[] plane = jls.GetPlane(c);
            for (int i = 0; i < pixels; i++)
            {
                if (bytesPerSample == 1)
                {
                    destination[(i * samples) + c] = (byte)plane[i];
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(((i * samples) + c) * 2)..], (ushort)plane[i]);
                }
            }
        }
    }
}
