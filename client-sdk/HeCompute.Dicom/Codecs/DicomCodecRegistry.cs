using System.Collections.Concurrent;

namespace HeCompute.Dicom.Codecs;

/// <summary>The codecs used to decode encapsulated pixel data, keyed by transfer syntax UID. Nothing is discovered
/// by reflection: <see cref="Default"/> holds exactly the built-in codecs listed in <see cref="CreateDefault"/>.</summary>
public sealed class DicomCodecRegistry
{
    private readonly ConcurrentDictionary<string, IDicomCodec> _codecs = new(StringComparer.Ordinal);

    /// <summary>The registry with the built-in codecs.</summary>
    public static DicomCodecRegistry Default { get; } = CreateDefault();

    /// <summary>Transfer syntax UIDs that have a codec.</summary>
    public IReadOnlyCollection<string> SupportedTransferSyntaxUids => [.. _codecs.Keys];

    /// <summary>A new registry holding the built-in codecs, proven against dcmtk and gdcm by the tests: our own
    /// decoders for RLE Lossless; JPEG Baseline (Process 1), Extended (Processes 2 &amp; 4), Lossless (Process 14 and
    /// its Selection Value 1); JPEG-LS Lossless and Near-Lossless; and JPEG 2000 Part 1 and HTJ2K through OpenJPEG
    /// (<see cref="Jpeg2000Codec"/>, which loads the library only when it first decodes). JPEG 2000 Part 2, video and
    /// anything else have no codec: <see cref="GetCodec"/> raises <see cref="DicomCodecException"/> naming the syntax.</summary>
    public static DicomCodecRegistry CreateDefault()
    {
        var registry = new DicomCodecRegistry();
        registry.Register(new RleCodec());
        registry.Register(new JpegCodec(DicomTransferSyntax.JPEGBaseline1));
        registry.Register(new JpegCodec(DicomTransferSyntax.JPEGExtended2And4));
        registry.Register(new JpegCodec(DicomTransferSyntax.JPEGLossless14));
        registry.Register(new JpegCodec(DicomTransferSyntax.JPEGLossless14SV1));
        registry.Register(new JpegLsCodec(DicomTransferSyntax.JPEGLSLossless));
        registry.Register(new JpegLsCodec(DicomTransferSyntax.JPEGLSNearLossless));
        foreach (var syntax in Jpeg2000Codec.TransferSyntaxes)
        {
            registry.Register(new Jpeg2000Codec(syntax));
        }

        return registry;
    }

    /// <summary>Adds or replaces the codec for its transfer syntax.</summary>
    public void Register(IDicomCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codecs[codec.TransferSyntax.Uid] = codec;
    }

    /// <summary>The codec for a transfer syntax, if one is registered.</summary>
    public bool TryGetCodec(DicomTransferSyntax syntax, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IDicomCodec? codec)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        return _codecs.TryGetValue(syntax.Uid, out codec);
    }

    /// <summary>The codec for a transfer syntax.</summary>
    /// <exception cref="DicomCodecException">No codec decodes this transfer syntax; the message names it.</exception>
    public IDicomCodec GetCodec(DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        if (_codecs.TryGetValue(syntax.Uid, out var codec))
        {
            return codec;
        }

        throw new DicomCodecException(
            $"Cannot decode pixel data of transfer syntax {syntax.Name} ({syntax.Uid}): no decoder for it is available in HeCompute.Dicom.");
    }
}
