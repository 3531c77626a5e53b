using System.Buffers.Binary;

namespace HeCompute.Dicom.Codecs;

/// <summary>
/// What every plane-producing codec does around its decoder: checks the destination, turns any malformed-stream
/// failure into a <see cref="DicomCodecException"/> naming the transfer syntax, checks the decoded geometry and
/// precision against the dataset, and interleaves the planes into little-endian samples.
/// </summary>
public abstract class PlaneDecoderCodec : IDicomCodec
{
    /// <summary>Creates the codec for a transfer syntax.</summary>
    protected PlaneDecoderCodec(DicomTransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(transferSyntax);
        TransferSyntax = transferSyntax;
    }

    /// <inheritdoc />
    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>The stream format's name, for messages ("JPEG", "JPEG-LS").</summary>
    private protected abstract string StreamName { get; }

    /// <summary>Runs the decoder on one frame.</summary>
    private protected abstract IDecodedPlanes DecodePlanes(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info);

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();
        if (destination.Length != info.DecodedLength)
        {
            throw new ArgumentException("Destination length does not match the frame.", nameof(destination));
        }

        IDecodedPlanes decoded;
        try
        {
            decoded = DecodePlanes(encodedFrame, info);
        }
        catch (DicomCodecException e)
        {
            throw new DicomCodecException($"{TransferSyntax.Name}: {e.Message}", e);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            // A malformed stream the structural checks did not catch; never let it surface as anything else.
            throw new DicomCodecException($"{TransferSyntax.Name}: malformed {StreamName} stream ({e.Message}).", e);
        }

        if (decoded.Width != info.Columns || decoded.Height != info.Rows || decoded.ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomCodecException(
                $"{TransferSyntax.Name}: the {StreamName} frame is {decoded.Width}x{decoded.Height} with {decoded.ComponentCount} components; " +
                $"the dataset says {info.Columns}x{info.Rows} with {info.SamplesPerPixel} samples per pixel.");
        }

        int bytesPerSample = info.BytesPerSample;
        if (bytesPerSample > 2 || (bytesPerSample == 1 && decoded.Precision > 8))
        {
            throw new DicomCodecException(
                $"{TransferSyntax.Name}: {StreamName} precision {decoded.Precision} does not fit Bits Allocated {info.BitsAllocated}.");
        }

        int samples = info.SamplesPerPixel;
        int pixels = checked((int)info.PixelCount);
        for (int c = 0; c < samples; c++)
        {
            int[] plane = decoded.GetPlane(c);
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
