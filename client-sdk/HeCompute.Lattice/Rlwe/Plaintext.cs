using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// An encoded message (SEALNet's <c>Plaintext</c>). A CKKS plaintext is one RNS polynomial in NTT form at some level:
/// <see cref="CoeffCount"/> = N × (primes at that level), words ordered prime-major.
/// </summary>
public sealed class Plaintext : ISealObject
{
    // The storage may be longer than the coefficients (SEAL's capacity); words past _count are always zero.
    private ulong[] _data;
    private int _count;

    /// <summary>Creates an empty plaintext.</summary>
    public Plaintext() => _data = [];

    /// <summary>Creates a plaintext of the given coefficient count, all zero.</summary>
    public Plaintext(ulong coeffCount) : this(coeffCount, coeffCount)
    {
    }

    /// <summary>Creates a plaintext of the given coefficient count, all zero, with storage for <paramref name="capacity"/> coefficients.</summary>
    /// <exception cref="ArgumentException"><paramref name="coeffCount"/> exceeds <paramref name="capacity"/>.</exception>
    public Plaintext(ulong capacity, ulong coeffCount)
    {
        if (coeffCount > capacity)
        {
            throw new ArgumentException("capacity cannot be smaller than coeffCount.", nameof(capacity));
        }

        _data = new ulong[checked((int)capacity)];
        _count = (int)coeffCount;
    }

    /// <summary>Copies a plaintext (storage for exactly its coefficients).</summary>
    public Plaintext(Plaintext copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        _data = copy.Data.ToArray();
        _count = copy._count;
        ParmsId = copy.ParmsId;
        Scale = copy.Scale;
    }

    /// <summary>Number of coefficients (N × primes for an NTT-form CKKS plaintext).</summary>
    public ulong CoeffCount => (ulong)_count;

    /// <summary>Number of coefficients the storage holds without reallocating.</summary>
    public ulong Capacity => (ulong)_data.Length;

    /// <summary>The level this plaintext is encoded at; zero if not in NTT form.</summary>
    public ParmsId ParmsId { get; set; }

    /// <summary>The CKKS scale the message was multiplied by.</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>Whether the plaintext is in NTT form (CKKS plaintexts always are once encoded).</summary>
    public bool IsNTTForm => ParmsId != ParmsId.Zero;

    /// <summary>Whether every coefficient is zero.</summary>
    public bool IsZero => !Data.ContainsAnyExcept(0UL);

    /// <summary>Coefficient access.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="CoeffCount"/>.</exception>
    public ulong this[ulong index]
    {
        get => _data[CheckIndex(index)];
        set => _data[CheckIndex(index)] = value;
    }

    internal Span<ulong> Data => _data.AsSpan(0, _count);

    private int CheckIndex(ulong index) => index < (ulong)_count
        ? (int)index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The plaintext has {_count} coefficients.");

    internal Span<ulong> Limb(int prime, int n) => _data.AsSpan(prime * n, n);

    /// <summary>Resizes to <paramref name="coeffCount"/> coefficients, keeping the common prefix.</summary>
    /// <remarks>The storage grows to exactly <paramref name="coeffCount"/> when it is too small, and is kept otherwise.</remarks>
    public void Resize(ulong coeffCount)
    {
        var count = checked((int)coeffCount);
        if (count > _data.Length)
        {
            Reallocate(count, _count);
        }
        else if (count < _count)
        {
            _data.AsSpan(count, _count - count).Clear();
        }

        _count = count;
    }

    /// <summary>
    /// Gives the storage room for exactly <paramref name="capacity"/> coefficients; if that is fewer than
    /// <see cref="CoeffCount"/>, the coefficients are truncated to it (SEAL's <c>reserve</c>).
    /// </summary>
    public void Reserve(ulong capacity)
    {
        var words = checked((int)capacity);
        var kept = Math.Min(words, _count);
        Reallocate(words, kept);
        _count = kept;
    }

    /// <summary>Frees the storage beyond <see cref="CoeffCount"/>.</summary>
    public void ShrinkToFit() => Reserve((ulong)_count);

    private void Reallocate(int capacity, int kept)
    {
        var old = _data;
        _data = new ulong[capacity];
        old.AsSpan(0, kept).CopyTo(_data);
        old.AsSpan().Clear();
    }

    /// <summary>Sets every coefficient to zero.</summary>
    public void SetZero() => Data.Clear();

    /// <summary>Sets the coefficients from <paramref name="startCoeff"/> on, <paramref name="length"/> of them, to zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the coefficients.</exception>
    public void SetZero(ulong startCoeff, ulong length)
    {
        if (startCoeff > (ulong)_count || length > (ulong)_count - startCoeff)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Coefficients {startCoeff} to {startCoeff}+{length} are not within the {_count} coefficients.");
        }

        _data.AsSpan((int)startCoeff, (int)length).Clear();
    }

    /// <summary>Makes this a copy of <paramref name="other"/>, reusing the storage when it is large enough.</summary>
    public void Set(Plaintext other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return;
        }

        Resize(other.CoeffCount);
        other.Data.CopyTo(Data);
        ParmsId = other.ParmsId;
        Scale = other.Scale;
    }

    /// <summary>Makes this a polynomial with the given coefficients (not in NTT form), reusing the storage when it is large enough.</summary>
    public void Set(ReadOnlySpan<ulong> coefficients)
    {
        ParmsId = ParmsId.Zero;
        Resize((ulong)coefficients.Length);
        coefficients.CopyTo(Data);
    }

    /// <summary>Clears the coefficients and releases the storage.</summary>
    public void Release()
    {
        _data.AsSpan().Clear();
        _data = [];
        _count = 0;
        ParmsId = ParmsId.Zero;
        Scale = 1.0;
    }

    /// <summary>Overwrites the coefficients with zeros (a secret key's plaintext must not linger in memory).</summary>
    public void Dispose() => _data.AsSpan().Clear();

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(BodySize, compression ?? SealSerialization.DefaultCompression);

    internal long BodySize => ParmsId.ByteCount + 8 + 8 + PolyArrays.ArrayObjectSize(_count);

    /// <summary>Saves in SEAL's format.</summary>
    public long Save(Stream stream, CompressionMode? compression = null)
    {
        var writer = new SealBodyWriter((int)BodySize);
        WriteBody(writer);
        return SealSerialization.Save(stream, compression ?? SealSerialization.DefaultCompression, writer.WrittenSpan);
    }

    internal void WriteBody(SealBodyWriter writer)
    {
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        ParmsId.Write(id);
        writer.WriteBytes(id);
        writer.WriteUInt64((ulong)_count);
        writer.WriteDouble(Scale);
        PolyArrays.Write(writer, Data);
    }

    /// <summary>Loads a plaintext saved by SEAL or by <see cref="Save"/>, checking it against the parameters.</summary>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the parameters.</exception>
    public long Load(Parameters parameters, Stream stream) => Load(parameters, stream, SerializationLimits.Default.MaxObjectBytes);

    /// <summary>As <see cref="Load(Parameters, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    public long Load(Parameters parameters, Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = SealSerialization.ReadBody(stream, maxBytes, out var header);
        var reader = new SealBodyReader(body);
        var loaded = ReadBody(parameters, ref reader, allowKeyLevel: true);
        reader.EnsureEnd();
        Release();
        _data = loaded._data;
        _count = loaded._count;
        ParmsId = loaded.ParmsId;
        Scale = loaded.Scale;
        return (long)header.Size;
    }

    internal static Plaintext ReadBody(Parameters parameters, ref SealBodyReader reader, bool allowKeyLevel)
    {
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        reader.ReadBytes(id);
        var parmsId = ParmsId.Read(id);
        var countOffset = reader.Position;
        var coeffCount = reader.ReadUInt64();
        var scale = reader.ReadDouble();
        var level = parameters.GetLevel(parmsId)
            ?? throw new SealFormatException($"Plaintext parms_id {parmsId} is not a level of these parameters (only CKKS NTT-form plaintexts are supported).", 0);
        if (!allowKeyLevel && level == parameters.KeyLevel && parameters.KeyLevel != parameters.FirstLevel)
        {
            throw new SealFormatException("Plaintext is at the key level, which holds keys only.", 0);
        }

        var expected = (ulong)level.N * (ulong)level.CoeffModulusSize;
        if (coeffCount != expected)
        {
            throw new SealFormatException($"Plaintext declares {coeffCount} coefficients; its level has N × primes = {expected}.", countOffset);
        }

        if (!double.IsFinite(scale) || scale < 0)
        {
            throw new SealFormatException($"Plaintext scale {scale} is not a finite non-negative number.", countOffset + 8);
        }

        var plain = new Plaintext { ParmsId = parmsId, Scale = scale };
        plain._data = PolyArrays.Read(ref reader, (int)expected, allowHalf: false, out _);
        plain._count = plain._data.Length;
        PolyArrays.CheckReduced(plain._data, level.ModuliValues, level.N, 1, "Plaintext");
        return plain;
    }
}
