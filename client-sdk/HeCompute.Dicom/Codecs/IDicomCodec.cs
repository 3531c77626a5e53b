namespace HeCompute.Dicom.Codecs;

/// <summary>Decodes the compressed bytes of one frame of one transfer syntax.</summary>
public interface IDicomCodec
{
    /// <summary>The transfer syntax this codec decodes.</summary>
    DicomTransferSyntax TransferSyntax { get; }

    /// <summary>Decodes one frame into <paramref name="destination"/>, which is exactly
    /// <see cref="DicomFrameInfo.DecodedLength"/> bytes: little-endian, interleaved samples.</summary>
    /// <exception cref="DicomCodecException">The stream is malformed, truncated, or does not match <paramref name="info"/>.</exception>
    void Decode(ReadOnlySpan<byte> encodedFrame, DicomFrameInfo info, Span<byte> destination);
}
