using System.Buffers.Binary;

namespace HeCompute.Dicom.Codecs;

/// <summary>JPEG Baseline (Process 1), Extended (Processes 2 &amp; 4) and Lossless (Process 14, and its Selection
/// Value 1) with our own T.81 decoder (<see cref="JpegDecoder"/>). Samples are written as coded: a YBR_FULL_422
/// frame comes out upsampled as YBR_FULL (PS3.5 8.2.1); colour conversion is the imaging layer's job.</summary>
public sealed class JpegCodec : IDicomCodec
{
    /// <summary>Creates the codec for one of the JPEG transfer syntaxes.</summary>
    public JpegCodec(DicomTransferSyntax transferSyntax)
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

        JpegDecoder jpeg;
        try
        {
            jpeg = JpegDecoder.Decode(encodedFrame, info.Columns, info.Rows, info.SamplesPerPixel);
        }
        catch (DicomCodecException e)
        {
            throw new DicomCodecException($"{TransferSyntax.Name}: {e.Message}", e);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            // A malformed stream the structural checks did not catch; never let it surface as anything else.
            throw new DicomCodecException($"{TransferSyntax.Name}: malformed JPEG stream ({e.Message}).", e);
        }

        if (jpeg.Width != info.Columns || jpeg.Height != info.Rows || jpeg.ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomCodecException(
                $"{TransferSyntax.Name}: the JPEG frame is {jpeg.Width}x{jpeg.Height} with {jpeg.ComponentCount} components; " +
                $"the dataset says {info.Columns}x{info.Rows} with {info.SamplesPerPixel} samples per pixel.");
        }

        int bytesPerSample = info.BytesPerSample;
        if (bytesPerSample > 2 || (bytesPerSample == 1 && jpeg.Precision > 8))
        {
            throw new DicomCodecException(
                $"{TransferSyntax.Name}: JPEG precision {jpeg.Precision} does not fit Bits Allocated {info.BitsAllocated}.");
        }

        int samples = info.SamplesPerPixel;
        int pixels = checked((int)info.PixelCount);
        for (int c = 0; c < samples; c++)
        {
            int[] plane = jpeg.GetPlane(c);
            if (bytesPerSample == 1)
            {
                for (int i = 0; i < pixels; i++)
                {
                    destination[(i * samples) + c] = (byte)plane[i];
                }
            }
            else
            {
                for (int i = 0; i < pixels; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(((i * samples) + c) * 2)..], (ushort)plane[i]);
                }
            }
        }
    }
}
