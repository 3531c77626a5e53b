namespace HeCompute.Dicom;

/// <summary>Describes a transfer syntax (PS3.5 section 10, PS3.6 Annex A): the reader and writer branch on these properties.</summary>
public sealed class DicomTransferSyntax : IEquatable<DicomTransferSyntax>
{
    private static readonly Dictionary<string, DicomTransferSyntax> Known = new(StringComparer.Ordinal);

    private DicomTransferSyntax(string uid, string name, bool explicitVR, bool bigEndian, bool deflate, bool encapsulated, bool lossy, bool register = true)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflate = deflate;
        IsEncapsulated = encapsulated;
        IsLossy = lossy;
        if (register)
        {
            Known[uid] = this;
        }
    }

    /// <summary>The transfer syntax UID.</summary>
    public string Uid { get; }

    /// <summary>The standard's name of the transfer syntax, or "unknown".</summary>
    public string Name { get; }

    /// <summary>Explicit VR encoding (every syntax except Implicit VR Little Endian).</summary>
    public bool IsExplicitVR { get; }

    /// <summary>Big-endian byte order (only the retired Explicit VR Big Endian).</summary>
    public bool IsBigEndian { get; }

    /// <summary>The dataset after the file meta information is deflate-compressed (RFC 1951).</summary>
    public bool IsDeflate { get; }

    /// <summary>Pixel data is encapsulated (fragments); unknown syntaxes are assumed encapsulated.</summary>
    public bool IsEncapsulated { get; }

    /// <summary>Pixel data may have been compressed lossily.</summary>
    public bool IsLossy { get; }

    /// <summary>True for a syntax this library's tables know.</summary>
    public bool IsKnown => Known.ContainsKey(Uid) && Name != "unknown";

    /// <summary>Implicit VR Little Endian (1.2.840.10008.1.2).</summary>
    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false, false);

    /// <summary>Explicit VR Little Endian (1.2.840.10008.1.2.1).</summary>
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false, false);

    /// <summary>Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98).</summary>
    public static readonly DicomTransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, true, false);

    /// <summary>Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99).</summary>
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false, false);

    /// <summary>Explicit VR Big Endian (retired, 1.2.840.10008.1.2.2).</summary>
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false, false);

    /// <summary>JPEG Baseline (Process 1).</summary>
    public static readonly DicomTransferSyntax JPEGBaseline1 = new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, false, true, true);

    /// <summary>JPEG Extended (Process 2 and 4).</summary>
    public static readonly DicomTransferSyntax JPEGExtended2And4 = new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, false, false, true, true);

    /// <summary>JPEG Lossless, Non-Hierarchical (Process 14).</summary>
    public static readonly DicomTransferSyntax JPEGLossless14 = new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, false, false, true, false);

    /// <summary>JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1]).</summary>
    public static readonly DicomTransferSyntax JPEGLossless14SV1 = new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", true, false, false, true, false);

    /// <summary>JPEG-LS Lossless Image Compression.</summary>
    public static readonly DicomTransferSyntax JPEGLSLossless = new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", true, false, false, true, false);

    /// <summary>JPEG-LS Lossy (Near-Lossless) Image Compression.</summary>
    public static readonly DicomTransferSyntax JPEGLSNearLossless = new("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", true, false, false, true, true);

    /// <summary>JPEG 2000 Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax JPEG2000Lossless = new("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", true, false, false, true, false);

    /// <summary>JPEG 2000 Image Compression (lossless or lossy).</summary>
    public static readonly DicomTransferSyntax JPEG2000 = new("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true, false, false, true, true);

    /// <summary>JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax JPEG2000Part2Lossless = new("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", true, false, false, true, false);

    /// <summary>JPEG 2000 Part 2 Multi-component Image Compression.</summary>
    public static readonly DicomTransferSyntax JPEG2000Part2 = new("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", true, false, false, true, true);

    /// <summary>High-Throughput JPEG 2000 Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax HTJ2KLossless = new("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", true, false, false, true, false);

    /// <summary>High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only).</summary>
    public static readonly DicomTransferSyntax HTJ2KLosslessRPCL = new("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", true, false, false, true, false);

    /// <summary>High-Throughput JPEG 2000 Image Compression.</summary>
    public static readonly DicomTransferSyntax HTJ2K = new("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", true, false, false, true, true);

    /// <summary>JPIP Referenced (pixel data is a URL, not present).</summary>
    public static readonly DicomTransferSyntax JPIPReferenced = new("1.2.840.10008.1.2.4.94", "JPIP Referenced", true, false, false, false, false);

    /// <summary>JPIP Referenced Deflate.</summary>
    public static readonly DicomTransferSyntax JPIPReferencedDeflate = new("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", true, false, true, false, false);

    /// <summary>RLE Lossless.</summary>
    public static readonly DicomTransferSyntax RLELossless = new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, true, false);

    /// <summary>MPEG2 Main Profile / Main Level.</summary>
    public static readonly DicomTransferSyntax MPEG2MainProfile = new("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", true, false, false, true, true);

    /// <summary>MPEG-4 AVC/H.264 High Profile / Level 4.1.</summary>
    public static readonly DicomTransferSyntax MPEG4HP41 = new("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", true, false, false, true, true);

    /// <summary>HEVC/H.265 Main Profile / Level 5.1.</summary>
    public static readonly DicomTransferSyntax HEVCMainProfile51 = new("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", true, false, false, true, true);

    /// <summary>Every transfer syntax this library knows.</summary>
    public static IReadOnlyCollection<DicomTransferSyntax> All => Known.Values;

    /// <summary>
    /// The descriptor of <paramref name="uid"/> (trailing NUL/space padding ignored). An unknown UID gives a descriptor
    /// named "unknown" that is explicit VR little endian with encapsulated pixel data (PS3.5 A.4: every later syntax is).
    /// </summary>
    public static DicomTransferSyntax Lookup(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        string trimmed = uid.TrimEnd('\0', ' ').Trim();
        if (Known.TryGetValue(trimmed, out var ts))
        {
            return ts;
        }

        return new DicomTransferSyntax(trimmed, "unknown", true, false, false, true, false, register: false);
    }

    /// <inheritdoc />
    public bool Equals(DicomTransferSyntax? other) => other is not null && other.Uid == Uid;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DicomTransferSyntax);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Uid);

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{Uid}]";

    /// <summary>Equality by UID.</summary>
    public static bool operator ==(DicomTransferSyntax? left, DicomTransferSyntax? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by UID.</summary>
    public static bool operator !=(DicomTransferSyntax? left, DicomTransferSyntax? right) => !(left == right);
}
