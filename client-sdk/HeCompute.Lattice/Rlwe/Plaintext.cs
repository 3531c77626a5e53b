using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// An encoded message (SEALNet's <c>Plaintext</c>). A CKKS plaintext is one RNS polynomial in NTT form at some level:
/// <see cref="CoeffCount"/> = N × (primes at that level), words ordered prime-major.
/// </summary>
public sealed class Plaintext : ISealObject
{
    private ulong[] _data;

    /// <summary>Creates an empty plaintext.</summary>
    public Plaintext() => _data = [];

    /// <summary>Creates a plaintext of the given coefficient count, all zero.</summary>
    public Plaintext(ulong coeffCount) => _data = new ulong[checked((int)coeffCount)];

    /// <summary>Copies a plaintext.</summary>
    public Plaintext(Plaintext copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        _data = (ulong[])copy._data.Clone();
        ParmsId = copy.ParmsId;
        Scale = copy.Scale;
    }

    /// <summary>Number of coefficients (N × primes for an NTT-form CKKS plaintext).</summary>
    public ulong CoeffCount => (ulong)_data.Length;

    /// <summary>The level this plaintext is encoded at; zero if not in NTT form.</summary>
    public ParmsId ParmsId { get; set; }

    /// <summary>The CKKS scale the message was multiplied by.</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>Whether the plaintext is in NTT form (CKKS plaintexts always are once encoded).</summary>
    public bool IsNTTForm => ParmsId != ParmsId.Zero;

    /// <summary>Whether every coefficient is zero.</summary>
    public bool IsZero => !_data.AsSpan().ContainsAnyExcept(0UL);

    /// <summary>Coefficient access.</summary>
    public ulong this[ulong index]
    {
        get => _data[checked((int)index)];
        set => _data[checked((int)index)] = value;
    }

    internal Span<ulong> Data => _data;

    internal Span<ulong> Limb(int prime, int n) => _data.AsSpan(prime * n, n);

    /// <summary>Resizes to <paramref name="coeffCount"/> coefficients, keeping the common prefix.</summary>
    public void Resize(ulong coeffCount)
    {
        var count = checked((int)coeffCount);
        if (count != _data.Length)
        {
            var old = _data;
            Array.Resize(ref _data, count);
            if (count < old.Length)
            {
                old.AsSpan().Clear();
            }
        }
    }

    /// <summary>Sets every coefficient to zero.</summary>
    public void SetZero() => _data.AsSpan().Clear();

    /// <summary>Clears the coefficients and releases the storage.</summary>
    public void Release()
    {
        _data.AsSpan().Clear();
        _data = [];
        ParmsId = ParmsId.Zero;
        Scale = 1.0;
    }

    /// <summary>Overwrites the coefficients with zeros (a secret key's plaintext must not linger in memory).</summary>
    public void Dispose() => _data.AsSpan().Clear();

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(BodySize, compression ?? SealSerialization.DefaultCompression);

    internal long BodySize => ParmsId.ByteCount + 8 + 8 + PolyArrays.ArrayObjectSize(_data.Length);

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
        writer.WriteUInt64((ulong)_data.Length);
        writer.WriteDouble(Scale);
        PolyArrays.Write(writer, _data);
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
        PolyArrays.CheckReduced(plain._data, level.ModuliValues, level.N, 1, "Plaintext");
        return plain;
    }
}
