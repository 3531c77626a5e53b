namespace HeCompute.Dicom.Codecs;

/// <summary>JPEG-LS Lossless and Near-Lossless (T.87) with our own decoder (<see cref="JpegLsDecoder"/>).</summary>
public sealed class JpegLsCodec : PlaneDecoderCodec
{
    /// <summary>Creates the codec for JPEG-LS Lossless or JPEG-LS Near-Lossless.</summary>
    public JpegLsCodec(DicomTransferSyntax transferSyntax)
        : base(transferSyntax)
    {
    }

    private protected override string StreamName => "JPEG-LS";

    private protected override IDecodedPlanes DecodePlanes(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info) =>
        JpegLsDecoder.Decode(encodedFrame, info.Columns, info.Rows, info.SamplesPerPixel);
}
