using HeCompute.Dicom.Codecs.OpenJpeg;

namespace HeCompute.Dicom.Codecs;

/// <summary>JPEG 2000 (Lossless Only and lossy, PS3.5 A.4.4) and High-Throughput JPEG 2000 (Lossless, Lossless with
/// RPCL, lossy; A.4.11), decoded by OpenJPEG 2.5 (Debian <c>libopenjp2-7</c>) through P/Invoke. The library is loaded
/// on the first decode: creating or registering the codec needs nothing installed. Samples come out as OpenJPEG gives
/// them, which is what dcmtk and gdcm give: a frame whose codestream applied the reversible (YBR_RCT) or irreversible
/// (YBR_ICT) component transform decodes to RGB.</summary>
public sealed class Jpeg2000Codec : PlaneDecoderCodec
{
    /// <summary>Creates the codec for one of the JPEG 2000 or HTJ2K transfer syntaxes.</summary>
    /// <exception cref="ArgumentException">The syntax is not JPEG 2000 Part 1 or HTJ2K.</exception>
    public Jpeg2000Codec(DicomTransferSyntax transferSyntax)
        : base(transferSyntax)
    {
        if (!IsJpeg2000(transferSyntax))
        {
            throw new ArgumentException($"{transferSyntax.Name} is not a JPEG 2000 transfer syntax this codec decodes.", nameof(transferSyntax));
        }
    }

    /// <summary>The transfer syntaxes this codec decodes: JPEG 2000 Part 1 (.90, .91) and HTJ2K (.201, .202, .203).</summary>
    public static IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } =
    [
        DicomTransferSyntax.JPEG2000Lossless,
        DicomTransferSyntax.JPEG2000,
        DicomTransferSyntax.HTJ2KLossless,
        DicomTransferSyntax.HTJ2KLosslessRPCL,
        DicomTransferSyntax.HTJ2K,
    ];

    private protected override string StreamName => "JPEG 2000";

    /// <summary>True for the syntaxes in <see cref="TransferSyntaxes"/>.</summary>
    public static bool IsJpeg2000(DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        return TransferSyntaxes.Any(s => s.Uid == syntax.Uid);
    }

    private protected override IDecodedPlanes DecodePlanes(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info) =>
        Jpeg2000Decoder.Decode(encodedFrame, info);
}
