namespace HeCompute.Dicom.Codecs;

/// <summary>What a codec needs to know about one frame: its geometry and the sample layout the decoded bytes
/// must have. Decoded frames are always native little-endian with interleaved samples (planar configuration 0),
/// <see cref="BytesPerSample"/> bytes per sample.</summary>
/// <param name="Rows">Rows (0028,0010).</param>
/// <param name="Columns">Columns (0028,0011).</param>
/// <param name="SamplesPerPixel">Samples per Pixel (0028,0002).</param>
/// <param name="BitsAllocated">Bits Allocated (0028,0100): 8, 16 or 32 for encapsulated data.</param>
/// <param name="BitsStored">Bits Stored (0028,0101).</param>
/// <param name="IsSigned">Pixel Representation (0028,0103) is 1.</param>
/// <param name="PlanarConfiguration">Planar Configuration (0028,0006) of the dataset (0 when absent).</param>
/// <param name="PhotometricInterpretation">Photometric Interpretation (0028,0004) of the dataset.</param>
public sealed record DicomFrameInfo(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    bool IsSigned,
    int PlanarConfiguration,
    string PhotometricInterpretation)
{
    /// <summary>Bytes per decoded sample (1 for bits allocated 1 and 8; 2 for 16; 4 for 32).</summary>
    public int BytesPerSample => BitsAllocated <= 8 ? 1 : (BitsAllocated + 7) / 8;

    /// <summary>Number of pixels in the frame.</summary>
    public long PixelCount => (long)Rows * Columns;

    /// <summary>Length in bytes of a decoded frame (interleaved samples).</summary>
    public long DecodedLength => PixelCount * SamplesPerPixel * BytesPerSample;

    internal void Validate()
    {
        if (Rows <= 0 || Columns <= 0)
        {
            throw new DicomCodecException($"Invalid frame size {Rows}x{Columns}.");
        }

        if (SamplesPerPixel is not (1 or 3 or 4))
        {
            throw new DicomCodecException($"Unsupported Samples per Pixel {SamplesPerPixel}.");
        }

        if (BitsAllocated is not (1 or 8 or 16 or 32))
        {
            throw new DicomCodecException($"Unsupported Bits Allocated {BitsAllocated}.");
        }

        if (BitsStored < 1 || BitsStored > BitsAllocated)
        {
            throw new DicomCodecException($"Bits Stored {BitsStored} is not within 1..{BitsAllocated}.");
        }
    }
}
