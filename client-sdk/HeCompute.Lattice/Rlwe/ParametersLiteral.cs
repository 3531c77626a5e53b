using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// CKKS parameters as plain, unchecked data (Lattigo's <c>ParametersLiteral</c>): easy to write by hand, to bind from
/// JSON and to read from SEAL's format. <see cref="Parameters.Create"/> turns it into validated parameters.
/// </summary>
/// <param name="PolyModulusDegree">The ring degree N (a power of two).</param>
/// <param name="CoefficientPrimes">The coefficient primes; the last one is the special prime used only for key switching.</param>
/// <param name="Security">The security level <see cref="Parameters.Create"/> enforces.</param>
public sealed record ParametersLiteral(int PolyModulusDegree, IReadOnlyList<ulong> CoefficientPrimes, SecurityLevel Security = SecurityLevel.Tc128)
{
    /// <summary>SEAL's scheme byte for CKKS.</summary>
    internal const byte CkksScheme = 2;

    /// <summary>Largest valid serialization: 64 primes plus the plain modulus, uncompressed.</summary>
    internal const long MaxSerializedSize = 16 + 1 + 8 + 8 + (65 * NestedObjects.ModulusObjectSize);

    /// <summary>SEAL's parms_id of these parameters with every prime (the key level's).</summary>
    public ParmsId ParmsId => ComputeParmsId(PolyModulusDegree, CoefficientPrimes);

    internal static ParmsId ComputeParmsId(int polyModulusDegree, IReadOnlyList<ulong> primes)
    {
        // SEAL hashes [scheme, N, every prime, plain modulus]; a CKKS plain modulus is 0.
        Span<ulong> words = stackalloc ulong[3 + primes.Count];
        words[0] = CkksScheme;
        words[1] = (ulong)polyModulusDegree;
        for (var i = 0; i < primes.Count; i++)
        {
            words[2 + i] = primes[i];
        }

        words[^1] = 0;
        return ParmsId.Compute(words);
    }

    private long BodySize => 1 + 8 + 8 + ((CoefficientPrimes.Count + 1) * NestedObjects.ModulusObjectSize);

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(BodySize, compression ?? SealSerialization.DefaultCompression);

    /// <summary>Saves as SEAL's <c>EncryptionParameters</c> (scheme CKKS); SEAL and node-seal load the bytes.</summary>
    /// <returns>The bytes written.</returns>
    public long Save(Stream stream, CompressionMode? compression = null)
    {
        var writer = new SealBodyWriter((int)BodySize);
        writer.WriteByte(CkksScheme);
        writer.WriteUInt64((ulong)PolyModulusDegree);
        writer.WriteUInt64((ulong)CoefficientPrimes.Count);
        foreach (var prime in CoefficientPrimes)
        {
            NestedObjects.WriteModulus(writer, prime);
        }

        NestedObjects.WriteModulus(writer, 0);
        return SealSerialization.Save(stream, compression ?? SealSerialization.DefaultCompression, writer.WrittenSpan);
    }

    /// <summary>Reads CKKS parameters saved by SEAL or by <see cref="Save"/>, unchecked (validate with <see cref="Parameters.Create"/>).</summary>
    /// <param name="stream">The SEAL-format bytes.</param>
    /// <param name="security">The security level the literal will ask for (SEAL does not serialize it).</param>
    /// <exception cref="SealFormatException">The bytes are not SEAL encryption parameters.</exception>
    /// <exception cref="InvalidParametersException">They are SEAL parameters of another scheme (BFV, BGV or none).</exception>
    public static ParametersLiteral Load(Stream stream, SecurityLevel security = SecurityLevel.Tc128) => Load(stream, security, out _);

    /// <summary>As <see cref="Load(Stream, SecurityLevel)"/>, also returning the bytes read.</summary>
    public static ParametersLiteral Load(Stream stream, SecurityLevel security, out long bytesRead)
    {
        var body = SealSerialization.ReadBody(stream, MaxSerializedSize, out var header);
        bytesRead = (long)header.Size;
        var reader = new SealBodyReader(body);
        var scheme = reader.ReadByte();
        if (scheme > 3)
        {
            throw new SealFormatException($"Unknown scheme {scheme}.", 0);
        }

        if (scheme != CkksScheme)
        {
            // Well-formed SEAL parameters, just not ones this engine computes with: a parameter error, not a format error.
            throw new InvalidParametersException(
                ParameterError.InvalidScheme,
                $"The parameters are for {(scheme switch { 0 => "no scheme", 1 => "BFV", _ => "BGV" })}; this engine implements CKKS only.");
        }

        var degree = reader.ReadUInt64();
        if (degree > HeStandard.MaxPolyModulusDegree)
        {
            throw new SealFormatException($"poly_modulus_degree {degree} exceeds {HeStandard.MaxPolyModulusDegree}.", 1);
        }

        var count = reader.ReadUInt64();
        if (count > CoeffModulus.MaxPrimeCount)
        {
            throw new SealFormatException($"coeff_modulus has {count} primes; at most {CoeffModulus.MaxPrimeCount} are allowed.", 9);
        }

        var primes = new ulong[count];
        for (var i = 0; i < primes.Length; i++)
        {
            primes[i] = NestedObjects.ReadModulus(ref reader);
        }

        var plain = NestedObjects.ReadModulus(ref reader);
        reader.EnsureEnd();
        if (plain != 0)
        {
            throw new SealFormatException("CKKS parameters cannot have a plain modulus.", 0);
        }

        return new ParametersLiteral((int)degree, primes, security);
    }

    /// <inheritdoc/>
    public bool Equals(ParametersLiteral? other) =>
        other is not null && other.PolyModulusDegree == PolyModulusDegree && other.Security == Security
        && (ReferenceEquals(other.CoefficientPrimes, CoefficientPrimes) || other.CoefficientPrimes.SequenceEqual(CoefficientPrimes));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(PolyModulusDegree, Security, ParmsId);
}
