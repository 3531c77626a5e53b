using System.Buffers.Binary;

namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>LegacyHeaders</c>: the header layouts of earlier SEAL versions.</summary>
public abstract class LegacyHeaders
{
    /// <summary>
    /// SEAL 3.4's 16-byte header: magic, a zero byte, the compression mode, a 32-bit size and 8 reserved bytes.
    /// Objects with this header are not read by this engine (see the README); the type exists for SEALNet code that
    /// inspects headers.
    /// </summary>
    public class SEALHeader_3_4 : ISettable<SEALHeader_3_4>, ISettable<Serialization.SEALHeader>
    {
        /// <summary>Magic number; <see cref="Serialization.SEALMagic"/> in a valid header.</summary>
        public ushort Magic = Serialization.SEALMagic;

        /// <summary>Zero in a valid SEAL 3.4 header (where SEAL 3.5 and later write the header size).</summary>
        public byte ZeroByte;

        /// <summary>Compression mode of the body.</summary>
        public ComprModeType ComprMode = Serialization.ComprModeDefault;

        /// <summary>Size of the object in bytes, header included.</summary>
        public uint Size;

        /// <summary>Reserved.</summary>
        public ulong Reserved;

        /// <summary>Creates a header with the default field values.</summary>
        public SEALHeader_3_4()
        {
        }

        /// <summary>Creates a header holding the bytes of <paramref name="copy"/>, as <see cref="Set(Serialization.SEALHeader)"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
        public SEALHeader_3_4(Serialization.SEALHeader copy) => Set(copy);

        /// <summary>Copies the fields of <paramref name="assign"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
        public void Set(SEALHeader_3_4 assign)
        {
            ArgumentNullException.ThrowIfNull(assign);
            Magic = assign.Magic;
            ZeroByte = assign.ZeroByte;
            ComprMode = assign.ComprMode;
            Size = assign.Size;
            Reserved = assign.Reserved;
        }

        /// <summary>
        /// Reads the 16 bytes of a current header in this layout, as SEALNet does (it copies the memory): a current
        /// header's size byte lands in <see cref="ZeroByte"/> and its major version in <see cref="ComprMode"/>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
        public void Set(Serialization.SEALHeader assign)
        {
            ArgumentNullException.ThrowIfNull(assign);
            Span<byte> bytes = stackalloc byte[Serialization.SEALHeaderSize];
            assign.Write(bytes);
            Magic = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            ZeroByte = bytes[2];
            ComprMode = (ComprModeType)bytes[3];
            Size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
            Reserved = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        }
    }
}
