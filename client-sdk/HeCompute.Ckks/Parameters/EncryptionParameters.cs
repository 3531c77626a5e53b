using HeCompute.Ckks.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// The scheme, ring degree N and coefficient modulus (SEALNet's <c>EncryptionParameters</c>). Mutable until handed
/// to a <see cref="SEALContext"/>, which validates it and builds the modulus chain.
/// </summary>
public sealed class EncryptionParameters : IEquatable<EncryptionParameters>, IDisposable
{
    private ulong _polyModulusDegree;
    private Modulus[] _coeffModulus = [];
    private Modulus _plainModulus = new();

    /// <summary>Creates parameters for a scheme.</summary>
    public EncryptionParameters(SchemeType scheme = SchemeType.None)
    {
        if (!Enum.IsDefined(scheme))
        {
            throw new ArgumentException($"Unknown scheme {(byte)scheme}.", nameof(scheme));
        }

        Scheme = scheme;
        ParmsId = ComputeParmsId();
    }

    /// <summary>Copies parameters.</summary>
    public EncryptionParameters(EncryptionParameters copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Scheme = copy.Scheme;
        _polyModulusDegree = copy._polyModulusDegree;
        _coeffModulus = copy._coeffModulus;
        _plainModulus = copy._plainModulus;
        ParmsId = copy.ParmsId;
    }

    /// <summary>The scheme.</summary>
    public SchemeType Scheme { get; private set; }

    /// <summary>The ring degree N (a power of two).</summary>
    public ulong PolyModulusDegree
    {
        get => _polyModulusDegree;
        set
        {
            if (Scheme == SchemeType.None && value != 0)
            {
                throw new InvalidOperationException("poly_modulus_degree is not supported for this scheme.");
            }

            _polyModulusDegree = value;
            ParmsId = ComputeParmsId();
        }
    }

    /// <summary>The coefficient modulus primes; the last one is the special prime used only for key switching.</summary>
    public IEnumerable<Modulus> CoeffModulus
    {
        get => _coeffModulus;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var primes = value.ToArray();
            if (Scheme == SchemeType.None && primes.Length != 0)
            {
                throw new InvalidOperationException("coeff_modulus is not supported for this scheme.");
            }

            if (primes.Length > Ckks.CoeffModulus.MaxPrimeCount)
            {
                throw new ArgumentException($"At most {Ckks.CoeffModulus.MaxPrimeCount} primes are allowed, not {primes.Length}.", nameof(value));
            }

            _coeffModulus = primes;
            ParmsId = ComputeParmsId();
        }
    }

    /// <summary>The plain modulus: BFV/BGV only. CKKS parameters keep it zero, and setting it throws.</summary>
    public Modulus PlainModulus
    {
        get => _plainModulus;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (Scheme is not (SchemeType.BFV or SchemeType.BGV))
            {
                throw new InvalidOperationException("plain_modulus is not supported for this scheme.");
            }

            _plainModulus = value;
            ParmsId = ComputeParmsId();
        }
    }

    /// <summary>SEAL's identifier of these parameters.</summary>
    public ParmsId ParmsId { get; private set; }

    internal ReadOnlySpan<Modulus> CoeffModulusSpan => _coeffModulus;

    /// <summary>Parameters with the last prime removed: the next level of the chain.</summary>
    internal EncryptionParameters DropLastPrime()
    {
        var next = new EncryptionParameters(this) { _coeffModulus = _coeffModulus[..^1] };
        next.ParmsId = next.ComputeParmsId();
        return next;
    }

    private ParmsId ComputeParmsId()
    {
        var words = new ulong[3 + _coeffModulus.Length];
        words[0] = (ulong)Scheme;
        words[1] = _polyModulusDegree;
        for (var i = 0; i < _coeffModulus.Length; i++)
        {
            words[2 + i] = _coeffModulus[i].Value;
        }

        words[^1] = _plainModulus.Value;
        return ParmsId.Compute(words);
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) =>
        SealSerialization.SaveSize(BodySize, comprMode ?? SealSerialization.ComprModeDefault);

    private long BodySize => 1 + 8 + 8 + ((_coeffModulus.Length + 1) * NestedObjects.ModulusObjectSize);

    /// <summary>Saves in SEAL's format.</summary>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        var writer = new SealBodyWriter((int)BodySize);
        writer.WriteByte((byte)Scheme);
        writer.WriteUInt64(_polyModulusDegree);
        writer.WriteUInt64((ulong)_coeffModulus.Length);
        foreach (var prime in _coeffModulus)
        {
            NestedObjects.WriteModulus(writer, prime.Value);
        }

        NestedObjects.WriteModulus(writer, _plainModulus.Value);
        return SealSerialization.Save(stream, comprMode ?? SealSerialization.ComprModeDefault, writer.WrittenSpan);
    }

    /// <summary>Replaces these parameters with ones saved by SEAL or by <see cref="Save"/>; returns the bytes read.</summary>
    /// <exception cref="SealFormatException">The bytes are not valid SEAL encryption parameters.</exception>
    public long Load(Stream stream)
    {
        var loaded = ReadFrom(stream, out var size);
        Scheme = loaded.Scheme;
        _polyModulusDegree = loaded._polyModulusDegree;
        _coeffModulus = loaded._coeffModulus;
        _plainModulus = loaded._plainModulus;
        ParmsId = loaded.ParmsId;
        return size;
    }

    /// <summary>Reads parameters saved by SEAL or by <see cref="Save"/>.</summary>
    /// <exception cref="SealFormatException">The bytes are not valid SEAL encryption parameters.</exception>
    public static EncryptionParameters ReadFrom(Stream stream, out long bytesRead)
    {
        var body = SealSerialization.ReadBody(stream, MaxSerializedSize, out var header);
        bytesRead = (long)header.Size;
        var reader = new SealBodyReader(body);
        var schemeByte = reader.ReadByte();
        if (!Enum.IsDefined((SchemeType)schemeByte))
        {
            throw new SealFormatException($"Unknown scheme {schemeByte}.", 0);
        }

        var degree = reader.ReadUInt64();
        if (degree > HeStandard.MaxPolyModulusDegree)
        {
            throw new SealFormatException($"poly_modulus_degree {degree} exceeds {HeStandard.MaxPolyModulusDegree}.", 1);
        }

        var count = reader.ReadUInt64();
        if (count > Ckks.CoeffModulus.MaxPrimeCount)
        {
            throw new SealFormatException($"coeff_modulus has {count} primes; at most {Ckks.CoeffModulus.MaxPrimeCount} are allowed.", 9);
        }

        var primes = new Modulus[count];
        for (var i = 0; i < primes.Length; i++)
        {
            primes[i] = NestedObjects.ReadModulus(ref reader);
        }

        var plain = NestedObjects.ReadModulus(ref reader);
        reader.EnsureEnd();
        var parms = new EncryptionParameters((SchemeType)schemeByte);
        if (parms.Scheme == SchemeType.None)
        {
            if (degree != 0 || primes.Length != 0 || !plain.IsZero)
            {
                throw new SealFormatException("Parameters without a scheme cannot have a degree, primes or a plain modulus.", 0);
            }

            return parms;
        }

        parms.PolyModulusDegree = degree;
        parms.CoeffModulus = primes;
        if (!plain.IsZero)
        {
            if (parms.Scheme == SchemeType.CKKS)
            {
                throw new SealFormatException("CKKS parameters cannot have a plain modulus.", 0);
            }

            parms.PlainModulus = plain;
        }

        return parms;
    }

    /// <summary>Largest valid serialization: 64 primes plus the plain modulus, uncompressed.</summary>
    internal const long MaxSerializedSize = 16 + 1 + 8 + 8 + (65 * NestedObjects.ModulusObjectSize);

    /// <inheritdoc/>
    public bool Equals(EncryptionParameters? other) => other is not null && other.ParmsId == ParmsId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EncryptionParameters other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ParmsId.GetHashCode();

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
