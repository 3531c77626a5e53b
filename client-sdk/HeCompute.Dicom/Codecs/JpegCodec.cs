namespace HeCompute.Dicom.Codecs;

/// <summary>JPEG Baseline (Process 1), Extended (Processes 2 &amp; 4) and Lossless (Process 14, and its Selection
/// Value 1) with our own T.81 decoder (<see cref="JpegDecoder"/>). Samples are written as coded: a YBR_FULL_422
/// frame comes out upsampled as YBR_FULL (PS3.5 8.2.1); colour conversion is the imaging layer's job.</summary>
public sealed class JpegCodec : PlaneDecoderCodec
{
    /// <summary>Creates the codec for one of the JPEG transfer syntaxes.</summary>
    public JpegCodec(DicomTransferSyntax transferSyntax)
        : base(transferSyntax)
    {
    }

    private protected override string StreamName => "JPEG";

    private protected override IDecodedPlanes DecodePlanes(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info) =>
        JpegDecoder.Decode(encodedFrame, info.Columns, info.Rows, info.SamplesPerPixel);
}
