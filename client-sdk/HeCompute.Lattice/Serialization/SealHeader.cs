using System.Buffers.Binary;

namespace HeCompute.Lattice.Serialization;

/// <summary>
/// SEAL's 16-byte <c>SEALHeader</c>, which precedes every serialized object. Layout (little-endian):
/// magic u16, header size u8, version major u8, version minor u8, compression mode u8,
/// reserved u16 (always 0), total size u64 (header included).
/// </summary>
/// <param name="Magic">Must equal <see cref="SealMagic"/>.</param>
/// <param name="HeaderSize">Must equal <see cref="ByteCount"/>.</param>
/// <param name="VersionMajor">SEAL major version of the writer.</param>
/// <param name="VersionMinor">SEAL minor version of the writer.</param>
/// <param name="ComprMode">Compression applied to everything after the header.</param>
/// <param name="Size">Total size of the serialized object in bytes, header included.</param>
public readonly record struct SealHeader(
    ushort Magic, byte HeaderSize, byte VersionMajor, byte VersionMinor, CompressionMode ComprMode, ulong Size)
{
    /// <summary>The magic number that starts every SEAL object.</summary>
    internal const ushort SealMagic = 0xA15E;

    /// <summary>Size of the header in bytes.</summary>
    public const int ByteCount = 16;

    /// <summary>
    /// Whether the writer's version is one this engine reads: major 4 and minor at most
    /// <see cref="SealSerialization.ReadVersionMinorMax"/>. SEAL 4.4.3 additionally accepts 3.4 through 3.x;
    /// those bodies are laid out differently and are deliberately not supported here.
    /// </summary>
    internal bool IsCompatibleVersion =>
        VersionMajor == SealSerialization.ReadVersionMajor && VersionMinor <= SealSerialization.ReadVersionMinorMax;

    /// <summary>
    /// SEAL's <c>IsValidHeader</c>: magic, header size, compatible version and supported compression mode.
    /// The size field is checked separately by <see cref="SealSerialization.ReadBody"/>, as in SEAL's loader.
    /// </summary>
    public bool IsValid =>
        Magic == SealMagic
        && HeaderSize == ByteCount
        && IsCompatibleVersion
        && SealSerialization.IsSupportedCompression(ComprMode);

    /// <summary>Creates the header this engine writes: current magic, size and write version.</summary>
    /// <param name="comprMode">Compression applied to the body.</param>
    /// <param name="size">Total object size in bytes, header included.</param>
    /// <returns>The header.</returns>
    internal static SealHeader Create(CompressionMode comprMode, ulong size) =>
        new(SealMagic, ByteCount, SealSerialization.WriteVersionMajor, SealSerialization.WriteVersionMinor, comprMode, size);

    /// <summary>
    /// Parses the 16 header bytes without judging them, except that the reserved field must be 0:
    /// SEAL always writes 0 there and this type has nowhere to keep anything else.
    /// </summary>
    /// <param name="source">At least 16 bytes; only the first 16 are read.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="SealFormatException">Fewer than 16 bytes, or reserved field not 0.</exception>
    public static SealHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < ByteCount)
        {
            throw SealFormatException.EndOfStream("SEAL header truncated", source.Length);
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != 0)
        {
            throw new SealFormatException("SEAL header reserved field is not zero", 6);
        }

        return new SealHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(source),
            source[2],
            source[3],
            source[4],
            (CompressionMode)source[5],
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));
    }

    /// <summary>Writes the 16 header bytes, with the reserved field 0.</summary>
    /// <param name="destination">At least 16 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 16 bytes.</exception>
    internal void Write(Span<byte> destination)
    {
        if (destination.Length < ByteCount)
        {
            throw new ArgumentException($"Need {ByteCount} bytes for a SEAL header.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination, Magic);
        destination[2] = HeaderSize;
        destination[3] = VersionMajor;
        destination[4] = VersionMinor;
        destination[5] = (byte)ComprMode;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Size);
    }

    /// <summary>
    /// Throws the specific error for the first rule of <see cref="IsValid"/> this header breaks,
    /// and also requires <c>16 &lt;= Size &lt;= maxBytes</c>.
    /// </summary>
    /// <param name="maxBytes">Largest acceptable total object size.</param>
    /// <exception cref="SealFormatException">Bad magic, header size, version or size.</exception>
    /// <exception cref="SealCompressionException">Unsupported compression mode.</exception>
    internal void Validate(long maxBytes)
    {
        if (Magic != SealMagic)
        {
            throw new SealFormatException($"not a SEAL object: magic 0x{Magic:X4}, expected 0x{SealMagic:X4}", 0);
        }

        if (HeaderSize != ByteCount)
        {
            throw new SealFormatException($"SEAL header size {HeaderSize}, expected {ByteCount}", 2);
        }

        if (!IsCompatibleVersion)
        {
            throw new SealFormatException(
                $"SEAL version {VersionMajor}.{VersionMinor} is not readable; supported are " +
                $"{SealSerialization.ReadVersionMajor}.0 to {SealSerialization.ReadVersionMajor}.{SealSerialization.ReadVersionMinorMax}",
                3);
        }

        if (!SealSerialization.IsSupportedCompression(ComprMode))
        {
            throw new SealCompressionException($"unsupported compression mode {(byte)ComprMode}");
        }

        if (Size < ByteCount)
        {
            throw new SealFormatException($"SEAL header declares size {Size}, smaller than the header itself", 8);
        }

        if (Size > (ulong)Math.Max(maxBytes, 0))
        {
            throw new SealFormatException($"SEAL object declares {Size} bytes, more than the allowed {maxBytes}", 8);
        }
    }
}
