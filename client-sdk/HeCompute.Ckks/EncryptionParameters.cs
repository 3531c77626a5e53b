using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>EncryptionParameters</c>: the scheme, ring degree N and coefficient modulus, mutable until handed to a
/// <see cref="SEALContext"/>. CKKS parameters map to the core's <see cref="Rlwe.ParametersLiteral"/>, which computes
/// their parms_id and reads and writes them.
/// </summary>
public sealed class EncryptionParameters : DisposableObject, IEquatable<EncryptionParameters>
{
    private ulong _polyModulusDegree;
    private Modulus[] _coeffModulus = [];
    private Modulus _plainModulus = new();

    /// <summary>Creates parameters for a scheme.</summary>
    /// <exception cref="ArgumentException">The scheme is not one of <see cref="SchemeType"/>'s values.</exception>
    public EncryptionParameters(SchemeType scheme = SchemeType.None)
    {
        if (!Enum.IsDefined(scheme))
        {
            throw new ArgumentException($"Unknown scheme {(byte)scheme}.", nameof(scheme));
        }

        Scheme = scheme;
    }

    /// <summary>Creates parameters from a scheme byte, as SEALNet's <c>EncryptionParameters(byte)</c>.</summary>
    public EncryptionParameters(byte scheme) : this((SchemeType)scheme)
    {
    }

    /// <summary>Copies parameters.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public EncryptionParameters(EncryptionParameters copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Scheme = copy.Scheme;
        _polyModulusDegree = copy._polyModulusDegree;
        _coeffModulus = copy._coeffModulus;
        _plainModulus = copy._plainModulus;
    }

    /// <summary>Wraps a core literal as CKKS parameters.</summary>
    internal EncryptionParameters(Rlwe.ParametersLiteral literal)
    {
        Scheme = SchemeType.CKKS;
        _polyModulusDegree = (ulong)literal.PolyModulusDegree;
        _coeffModulus = literal.CoefficientPrimes.Select(q => new Modulus(q)).ToArray();
    }

    /// <summary>The scheme.</summary>
    public SchemeType Scheme { get; private set; }

    /// <summary>The ring degree N (a power of two; checked by <see cref="SEALContext"/>).</summary>
    /// <exception cref="InvalidOperationException">A nonzero degree is set without a scheme.</exception>
    public ulong PolyModulusDegree
    {
        get
        {
            ThrowIfDisposed();
            return _polyModulusDegree;
        }

        set
        {
            ThrowIfNoScheme("poly_modulus_degree", value != 0);
            _polyModulusDegree = value;
        }
    }

    /// <summary>The coefficient primes (copies are taken and given, as a <see cref="List{T}"/> that SEALNet code casts to).</summary>
    /// <exception cref="InvalidOperationException">Primes are set without a scheme.</exception>
    /// <exception cref="ArgumentNullException">The value or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">More than <see cref="CoeffModulus.MaxPrimeCount"/> primes are given.</exception>
    public IEnumerable<Modulus> CoeffModulus
    {
        get
        {
            ThrowIfDisposed();
            return _coeffModulus.Select(m => new Modulus(m)).ToList();
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var primes = value.ToArray();
            ThrowIfNoScheme("coeff_modulus", primes.Length != 0);
            if (primes.Length > Ckks.CoeffModulus.MaxPrimeCount)
            {
                throw new ArgumentException($"coeff_modulus has {primes.Length} primes; at most {Ckks.CoeffModulus.MaxPrimeCount} are allowed.", nameof(value));
            }

            foreach (var prime in primes)
            {
                ArgumentNullException.ThrowIfNull(prime, nameof(value));
            }

            _coeffModulus = primes.Select(m => new Modulus(m)).ToArray();
        }
    }

    /// <summary>The plain modulus (a copy is taken and given): BFV and BGV only, zero for CKKS.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    /// <exception cref="InvalidOperationException">Set for a scheme other than BFV or BGV.</exception>
    public Modulus PlainModulus
    {
        get => new(_plainModulus);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            SetPlainModulus(value.Value);
        }
    }

    /// <summary>Sets the plain modulus from its value: BFV and BGV only.</summary>
    /// <exception cref="ArgumentException">The value is 1 or at least 2^61.</exception>
    /// <exception cref="InvalidOperationException">The scheme is not BFV or BGV.</exception>
    public void SetPlainModulus(ulong plainModulus)
    {
        if (Scheme is not (SchemeType.BFV or SchemeType.BGV))
        {
            throw new InvalidOperationException("plain_modulus is not supported for this scheme.");
        }

        _plainModulus = new Modulus(plainModulus);
    }

    /// <summary>Makes these parameters a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(EncryptionParameters assign)
    {
        ArgumentNullException.ThrowIfNull(assign);
        Scheme = assign.Scheme;
        _polyModulusDegree = assign._polyModulusDegree;
        _coeffModulus = assign._coeffModulus;
        _plainModulus = assign._plainModulus;
    }

    /// <summary>SEAL's identifier of these parameters (a new instance each time, as SEALNet returns a copy).</summary>
    public ParmsId ParmsId => new(Scheme == SchemeType.CKKS ? ToLiteral(Rlwe.SecurityLevel.None).ParmsId : HashOtherScheme());

    /// <summary>The core literal of CKKS parameters (unchecked; the context validates it).</summary>
    internal Rlwe.ParametersLiteral ToLiteral(Rlwe.SecurityLevel security) =>
        new(_polyModulusDegree > int.MaxValue ? int.MaxValue : (int)_polyModulusDegree, _coeffModulus.Select(m => m.Value).ToArray(), security);

    /// <summary>
    /// The parms_id of parameters the core cannot hold (no scheme, BFV, BGV): SEAL's hash of [scheme, N, primes, plain
    /// modulus], so two such parameter sets still compare as SEAL compares them.
    /// </summary>
    private Rlwe.ParmsId HashOtherScheme()
    {
        var words = new ulong[3 + _coeffModulus.Length];
        words[0] = (ulong)Scheme;
        words[1] = _polyModulusDegree;
        for (var i = 0; i < _coeffModulus.Length; i++)
        {
            words[2 + i] = _coeffModulus[i].Value;
        }

        words[^1] = _plainModulus.Value;
        return Rlwe.ParmsId.Compute(words);
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    /// <exception cref="InvalidOperationException">The scheme is not CKKS (this engine serializes CKKS parameters only).</exception>
    public long SaveSize(ComprModeType? comprMode = null) => RequireCkksLiteral().SaveSize(comprMode.ToCore());

    /// <summary>Saves in SEAL's format; SEAL and node-seal load the bytes.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The scheme is not CKKS (this engine serializes CKKS parameters only).</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return RequireCkksLiteral().Save(stream, comprMode.ToCore());
    }

    /// <summary>Replaces these parameters with CKKS parameters saved by SEAL or by <see cref="Save"/>.</summary>
    /// <returns>The bytes read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="SealFormatException">The bytes are not SEAL encryption parameters.</exception>
    /// <exception cref="InvalidParametersException">They are SEAL parameters of another scheme, which this engine does not compute with.</exception>
    public long Load(Stream stream)
    {
        var loaded = ReadFrom(stream, out var bytesRead);
        Scheme = loaded.Scheme;
        _polyModulusDegree = loaded._polyModulusDegree;
        _coeffModulus = loaded._coeffModulus;
        _plainModulus = loaded._plainModulus;
        return bytesRead;
    }

    /// <summary>Reads CKKS parameters saved by SEAL or by <see cref="Save"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="SealFormatException">The bytes are not SEAL encryption parameters.</exception>
    /// <exception cref="InvalidParametersException">They are SEAL parameters of another scheme.</exception>
    public static EncryptionParameters ReadFrom(Stream stream, out long bytesRead)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new EncryptionParameters(Rlwe.ParametersLiteral.Load(stream, Rlwe.SecurityLevel.None, out bytesRead));
    }

    private Rlwe.ParametersLiteral RequireCkksLiteral() => Scheme == SchemeType.CKKS
        ? ToLiteral(Rlwe.SecurityLevel.None)
        : throw new InvalidOperationException($"Only CKKS parameters can be saved by this engine; these are {Scheme}.");

    private void ThrowIfNoScheme(string what, bool setting)
    {
        ThrowIfDisposed();
        if (Scheme == SchemeType.None && setting)
        {
            throw new InvalidOperationException($"{what} is not supported for parameters without a scheme.");
        }
    }

    /// <summary>Whether both describe the same parameters (equal parms_id, as SEAL compares them).</summary>
    public bool Equals(EncryptionParameters? other) => other is not null && other.ParmsId == ParmsId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EncryptionParameters);

    /// <inheritdoc/>
    public override int GetHashCode() => ParmsId.GetHashCode();

}
