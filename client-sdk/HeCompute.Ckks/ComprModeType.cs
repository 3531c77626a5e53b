using HeCompute.Lattice.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// Compression applied to everything after the 16-byte header of a serialized object (SEAL's <c>compr_mode_type</c>;
/// the core's <see cref="CompressionMode"/> under SEAL's names, same wire values).
/// </summary>
public enum ComprModeType : byte
{
    /// <summary>The body is stored as is.</summary>
    None = CompressionMode.None,

    /// <summary>The body is one zlib stream (RFC 1950).</summary>
    ZLIB = CompressionMode.Zlib,

    /// <summary>The body is one Zstandard frame.</summary>
    ZSTD = CompressionMode.Zstd,
}

/// <summary>Maps SEAL's compression names to the core's.</summary>
internal static class ComprModes
{
    /// <summary>The core's mode; null keeps the core's default (Zstandard, as SEAL's).</summary>
    internal static CompressionMode? ToCore(this ComprModeType? mode) => mode is null ? null : (CompressionMode)mode.Value;
}
