using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Client.Exploration;

/// <summary>
/// What a SEAL-format file holds, read without trusting it: the 16-byte header of any SEAL object, and for a
/// ciphertext with its parameters, the ring, level and scale — so a user can check what a SEAL application (SEALNet,
/// node-seal, TenSEAL's SEAL objects) produced before sending it anywhere.
/// </summary>
public static class SealObjectDescription
{
    /// <summary>The header of a SEAL-format object.</summary>
    /// <exception cref="SealFormatException">The bytes do not start with a valid SEAL header.</exception>
    public static SealHeaderDescription Describe(ReadOnlySpan<byte> bytes)
    {
        var header = SealHeader.Read(bytes);
        if (!header.IsValid)
        {
            throw new SealFormatException(
                $"Not a SEAL object this engine reads (magic 0x{header.Magic:X4}, header size {header.HeaderSize}, version {header.VersionMajor}.{header.VersionMinor}, compression {(byte)header.ComprMode}).", 0);
        }

        return new SealHeaderDescription(
            $"{header.VersionMajor}.{header.VersionMinor}", header.ComprMode.ToString().ToLowerInvariant(), (long)header.Size, bytes.Length);
    }

    /// <summary>A ciphertext's ring, level and scale, loaded (and validated) against its SEAL-format parameters.</summary>
    /// <exception cref="SealException">The parameters are invalid or insecure, or the ciphertext does not load against them.</exception>
    public static CiphertextDescription DescribeCiphertext(byte[] ciphertext, byte[] parameters) =>
        DescribeCiphertext(ciphertext, parameters, null, CompressionMode.None);

    /// <summary>
    /// As <see cref="DescribeCiphertext(byte[], byte[])"/>, and writes the loaded ciphertext back in SEAL's format with
    /// <paramref name="compression"/> to <paramref name="resaved"/> (when given): a SEAL application reads it again.
    /// </summary>
    public static CiphertextDescription DescribeCiphertext(byte[] ciphertext, byte[] parameters, Stream? resaved, CompressionMode compression)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(parameters);
        var header = Describe(ciphertext);
        ParametersLiteral literal;
        using (var stream = new MemoryStream(parameters, writable: false))
        {
            literal = ParametersLiteral.Load(stream, SecurityLevel.Tc128);
        }

        if (Parameters.Validate(literal, out var reason) != ParameterError.Success)
        {
            throw new ArgumentException($"The parameters are not usable at 128-bit security: {reason}");
        }

        var context = Parameters.Create(literal);

        using var loaded = new Ciphertext();
        using (var stream = new MemoryStream(ciphertext, writable: false))
        {
            loaded.Load(context, stream);
        }

        resaved?.Write(SaveBytes(loaded, compression));
        var data = context.GetLevel(loaded.ParmsId)!;
        return new CiphertextDescription(
            header,
            (int)loaded.PolyModulusDegree,
            (int)loaded.Size,
            (int)data.ChainIndex,
            (int)loaded.CoeffModulusSize,
            data.TotalModulusBits,
            Math.Log2(loaded.Scale),
            loaded.ParmsId.ToString());
    }

    private static byte[] SaveBytes(Ciphertext ciphertext, CompressionMode compression)
    {
        using var buffer = new MemoryStream();
        ciphertext.Save(buffer, compression);
        return buffer.ToArray();
    }
}

/// <summary>A SEAL object header.</summary>
/// <param name="Version">SEAL serialization version (major.minor).</param>
/// <param name="Compression">none, zlib or zstd.</param>
/// <param name="DeclaredBytes">The object's size as its header declares it.</param>
/// <param name="FileBytes">The bytes given.</param>
public sealed record SealHeaderDescription(string Version, string Compression, long DeclaredBytes, long FileBytes);

/// <summary>A ciphertext, described.</summary>
/// <param name="Header">Its SEAL header.</param>
/// <param name="PolyModulusDegree">N.</param>
/// <param name="Polynomials">Number of polynomials (2 when fresh or relinearized).</param>
/// <param name="Level">Chain index: rescales left.</param>
/// <param name="Primes">Primes at its level.</param>
/// <param name="ModulusBits">Their total bits.</param>
/// <param name="ScaleBits">log2 of its scale.</param>
/// <param name="ParmsId">Hex parms_id of its level.</param>
public sealed record CiphertextDescription(
    SealHeaderDescription Header, int PolyModulusDegree, int Polynomials, int Level, int Primes, int ModulusBits, double ScaleBits, string ParmsId);
