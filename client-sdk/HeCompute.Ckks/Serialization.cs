using HeCompute.Lattice.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Serialization</c>: the 16-byte header that precedes every saved object, and the checks on it. The rules
/// are the core's (<see cref="Lattice.Serialization.SealHeader"/>): this engine reads SEAL 4.0 to 4.4 objects.
/// </summary>
/// <remarks>SEALNet declares this class abstract so it cannot be created; here it is static, which has the same effect for callers.</remarks>
public static class Serialization
{
    /// <summary>The compression SEAL applies when none is named (Zstandard).</summary>
    public static readonly ComprModeType ComprModeDefault = (ComprModeType)SealSerialization.DefaultCompression;

    /// <summary>The magic number that starts every SEAL object (0xA15E).</summary>
    public static readonly ushort SEALMagic = Lattice.Serialization.SealHeader.SealMagic;

    /// <summary>Size of the header in bytes (16).</summary>
    public static readonly byte SEALHeaderSize = Lattice.Serialization.SealHeader.ByteCount;

    /// <summary>Whether the compression mode is one SEAL defines and this engine reads and writes.</summary>
    public static bool IsSupportedComprMode(ComprModeType comprMode) => SealSerialization.IsSupportedCompression((CompressionMode)comprMode);

    /// <summary>Whether an object with this header was written by a SEAL version this engine reads (4.0 to 4.4).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="header"/> is null.</exception>
    public static bool IsCompatibleVersion(SEALHeader header) => ToCore(header).IsCompatibleVersion;

    /// <summary>Whether the header is valid: magic, header size, compatible version, supported compression and a zero reserved field.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="header"/> is null.</exception>
    public static bool IsValidHeader(SEALHeader header) => header?.Reserved == 0 && ToCore(header).IsValid;

    /// <summary>Writes the header's 16 bytes.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    public static void SaveHeader(SEALHeader header, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        Span<byte> bytes = stackalloc byte[Lattice.Serialization.SealHeader.ByteCount];
        header.Write(bytes);
        stream.Write(bytes);
    }

    /// <summary>Reads 16 header bytes into <paramref name="header"/>.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="header">Receives the fields.</param>
    /// <param name="tryUpgradeIfInvalid">SEAL's upgrade of SEAL 3.4 headers; this engine does not read SEAL 3.x objects, so an invalid header stays as read.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The stream is not readable.</exception>
    /// <exception cref="EndOfStreamException">The stream holds fewer than 16 bytes.</exception>
    public static void LoadHeader(Stream stream, SEALHeader header, bool tryUpgradeIfInvalid = true)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        _ = tryUpgradeIfInvalid;
        Span<byte> bytes = stackalloc byte[Lattice.Serialization.SealHeader.ByteCount];
        stream.ReadExactly(bytes);
        header.Read(bytes);
    }

    private static Lattice.Serialization.SealHeader ToCore(SEALHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new(header.Magic, header.HeaderSize, header.VersionMajor, header.VersionMinor, (CompressionMode)header.ComprMode, header.Size);
    }

    /// <summary>SEALNet's mutable header: the fields in wire order, a new one describing an empty object of this version.</summary>
    public class SEALHeader : ISettable<SEALHeader>
    {
        /// <summary>Magic number; <see cref="SEALMagic"/> in a valid header.</summary>
        public ushort Magic = SEALMagic;

        /// <summary>Header size; <see cref="SEALHeaderSize"/> in a valid header.</summary>
        public byte HeaderSize = SEALHeaderSize;

        /// <summary>Major version of the writer.</summary>
        public byte VersionMajor = SEALVersion.Major;

        /// <summary>Minor version of the writer.</summary>
        public byte VersionMinor = SEALVersion.Minor;

        /// <summary>Compression of the body.</summary>
        public ComprModeType ComprMode = ComprModeDefault;

        /// <summary>Reserved; zero.</summary>
        public ushort Reserved;

        /// <summary>Total size of the object in bytes, header included.</summary>
        public ulong Size;

        /// <summary>Copies every field of <paramref name="assign"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
        public void Set(SEALHeader assign)
        {
            ArgumentNullException.ThrowIfNull(assign);
            Magic = assign.Magic;
            HeaderSize = assign.HeaderSize;
            VersionMajor = assign.VersionMajor;
            VersionMinor = assign.VersionMinor;
            ComprMode = assign.ComprMode;
            Reserved = assign.Reserved;
            Size = assign.Size;
        }

        internal void Write(Span<byte> bytes)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes, Magic);
            bytes[2] = HeaderSize;
            bytes[3] = VersionMajor;
            bytes[4] = VersionMinor;
            bytes[5] = (byte)ComprMode;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes[6..], Reserved);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], Size);
        }

        internal void Read(ReadOnlySpan<byte> bytes)
        {
            Magic = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            HeaderSize = bytes[2];
            VersionMajor = bytes[3];
            VersionMinor = bytes[4];
            ComprMode = (ComprModeType)bytes[5];
            Reserved = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
            Size = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        }
    }
}
