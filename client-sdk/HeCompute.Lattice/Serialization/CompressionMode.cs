namespace HeCompute.Lattice.Serialization;

/// <summary>
/// Compression applied to everything after the 16-byte header of a serialized object
/// (SEAL's <c>compr_mode_type</c>; the numeric values are part of the wire format).
/// </summary>
public enum CompressionMode : byte
{
    /// <summary>The body is stored as is.</summary>
    None = 0,

    /// <summary>The body is one zlib stream (RFC 1950).</summary>
    Zlib = 1,

    /// <summary>The body is one Zstandard frame.</summary>
    Zstd = 2,
}
