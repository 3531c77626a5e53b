using HeCompute.Lattice.Hashing;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// A CKKS ciphertext (SEALNet's <c>Ciphertext</c>): <see cref="Size"/> RNS polynomials in NTT form at the level named by
/// <see cref="ParmsId"/>, stored as one contiguous array indexed ((poly × primes) + prime) × N + coefficient — SEAL's
/// layout, so serialization is a straight copy.
/// </summary>
public sealed class Ciphertext : ISealObject
{
    /// <summary>Smallest size of a non-empty ciphertext.</summary>
    public const int SizeMin = 2;

    /// <summary>Largest size SEAL allows.</summary>
    public const int SizeMax = 16;

    private ulong[] _data = [];

    /// <summary>Creates an empty ciphertext.</summary>
    public Ciphertext()
    {
    }

    /// <summary>Creates an empty ciphertext at the first level of the parameters.</summary>
    public Ciphertext(Parameters parameters) : this(parameters, (parameters ?? throw new ArgumentNullException(nameof(parameters))).FirstParmsId)
    {
    }

    /// <summary>Creates an empty ciphertext at a level (storage is reserved lazily).</summary>
    public Ciphertext(Parameters parameters, ParmsId parmsId)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var level = parameters.RequireLevel(parmsId, "Ciphertext");
        ParmsId = parmsId;
        PolyModulusDegree = (ulong)level.N;
        CoeffModulusSize = (ulong)level.CoeffModulusSize;
    }

    /// <summary>Copies a ciphertext.</summary>
    public Ciphertext(Ciphertext copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Set(copy);
    }

    /// <summary>Number of polynomials (2 when fresh, 3 after a multiplication before relinearization).</summary>
    public ulong Size { get; private set; }

    /// <summary>Ring degree N.</summary>
    public ulong PolyModulusDegree { get; private set; }

    /// <summary>Number of primes at this ciphertext's level.</summary>
    public ulong CoeffModulusSize { get; private set; }

    /// <summary>The level.</summary>
    public ParmsId ParmsId { get; set; }

    /// <summary>The CKKS scale of the encrypted message.</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>Whether the data is in NTT form (always true for CKKS ciphertexts this engine produces).</summary>
    public bool IsNTTForm { get; set; } = true;

    /// <summary>BGV's correction factor; 1 for CKKS, kept for the wire format.</summary>
    public ulong CorrectionFactor { get; set; } = 1;

    /// <summary>Whether every coefficient of c1..c(size-1) is zero: such a ciphertext would reveal its message.</summary>
    public bool IsTransparent
    {
        get
        {
            if (Size < 2)
            {
                return true;
            }

            var polyWords = (int)(PolyModulusDegree * CoeffModulusSize);
            return !_data.AsSpan(polyWords, polyWords * ((int)Size - 1)).ContainsAnyExcept(0UL);
        }
    }

    /// <summary>Coefficient access by flat index.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below Size × N × primes.</exception>
    public ulong this[ulong index]
    {
        get => _data[CheckIndex(index)];
        set => _data[CheckIndex(index)] = value;
    }

    /// <summary>How many polynomials the storage holds without reallocating (0 while the ciphertext has no level).</summary>
    public ulong SizeCapacity => PolyModulusDegree * CoeffModulusSize == 0 ? 0 : (ulong)_data.Length / (PolyModulusDegree * CoeffModulusSize);

    private int CheckIndex(ulong index) => index < Size * PolyModulusDegree * CoeffModulusSize
        ? (int)index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The ciphertext has {Size * PolyModulusDegree * CoeffModulusSize} coefficients.");

    internal Span<ulong> Data => _data.AsSpan(0, (int)(Size * PolyModulusDegree * CoeffModulusSize));

    internal Memory<ulong> DataMemory => _data.AsMemory(0, (int)(Size * PolyModulusDegree * CoeffModulusSize));

    internal int N => (int)PolyModulusDegree;

    internal int K => (int)CoeffModulusSize;

    /// <summary>All limbs of one polynomial.</summary>
    internal Span<ulong> Poly(int poly) => _data.AsSpan(poly * N * K, N * K);

    /// <summary>One limb (one prime) of one polynomial.</summary>
    internal Span<ulong> Limb(int poly, int prime) => _data.AsSpan(((poly * K) + prime) * N, N);

    /// <summary>Resizes to <paramref name="size"/> polynomials at the level <paramref name="parmsId"/>; new polynomials are zero.</summary>
    public void Resize(Parameters parameters, ParmsId parmsId, ulong size)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var level = parameters.RequireLevel(parmsId, "Ciphertext");
        Resize(level, size);
    }

    /// <summary>Resizes to <paramref name="size"/> polynomials at its current level.</summary>
    public void Resize(Parameters parameters, ulong size) => Resize(parameters, ParmsId, size);

    /// <summary>
    /// Resizes to <paramref name="size"/> polynomials of the current shape, without parameters (SEAL's
    /// <c>resize(size)</c>): a ciphertext that has no level yet holds no storage whatever its size.
    /// </summary>
    public void Resize(ulong size)
    {
        CheckSize(size);
        var polyWords = N * K;
        var words = checked((int)size * polyWords);
        if (_data.Length < words)
        {
            var old = _data;
            _data = new ulong[words];
            old.AsSpan(0, (int)Math.Min(Size, size) * polyWords).CopyTo(_data);
        }
        else if (size > Size)
        {
            _data.AsSpan((int)Size * polyWords, ((int)size - (int)Size) * polyWords).Clear();
        }

        Size = size;
    }

    /// <summary>
    /// Gives the storage room for <paramref name="sizeCapacity"/> polynomials at the level <paramref name="parmsId"/>,
    /// truncating the size to it (SEAL's <c>reserve</c>; the words kept are not converted to the new level).
    /// </summary>
    public void Reserve(Parameters parameters, ParmsId parmsId, ulong sizeCapacity)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var level = parameters.RequireLevel(parmsId, "Ciphertext");
        ParmsId = level.ParmsId;
        PolyModulusDegree = (ulong)level.N;
        CoeffModulusSize = (ulong)level.CoeffModulusSize;
        Reserve(sizeCapacity);
    }

    /// <summary>Gives the storage room for <paramref name="sizeCapacity"/> polynomials of the current shape, truncating the size to it.</summary>
    public void Reserve(ulong sizeCapacity)
    {
        if (sizeCapacity is < SizeMin or > SizeMax)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeCapacity), sizeCapacity, $"A ciphertext's size capacity is {SizeMin} to {SizeMax}.");
        }

        var polyWords = N * K;
        var kept = (int)Math.Min(Size, sizeCapacity);
        var old = _data;
        _data = new ulong[checked((int)sizeCapacity * polyWords)];
        old.AsSpan(0, Math.Min(kept * polyWords, old.Length)).CopyTo(_data);
        Size = (ulong)kept;
    }

    private static void CheckSize(ulong size)
    {
        if (size > SizeMax || (size < SizeMin && size != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A ciphertext has 0 or {SizeMin} to {SizeMax} polynomials.");
        }
    }

    internal void Resize(Level level, ulong size)
    {
        CheckSize(size);

        var words = checked((int)size * level.N * level.CoeffModulusSize);
        var sameShape = ParmsId == level.ParmsId && PolyModulusDegree == (ulong)level.N;
        if (!sameShape || _data.Length < words)
        {
            var old = _data;
            var keep = sameShape ? (int)Math.Min(Size, size) * level.N * level.CoeffModulusSize : 0;
            _data = new ulong[words];
            old.AsSpan(0, keep).CopyTo(_data);
        }
        else if (size > Size)
        {
            _data.AsSpan((int)Size * level.N * level.CoeffModulusSize, ((int)size - (int)Size) * level.N * level.CoeffModulusSize).Clear();
        }

        ParmsId = level.ParmsId;
        PolyModulusDegree = (ulong)level.N;
        CoeffModulusSize = (ulong)level.CoeffModulusSize;
        Size = size;
    }

    /// <summary>Relabels the ciphertext as being at a lower level once its polynomials have been compacted to that level's primes.</summary>
    internal void ShrinkLevel(Level target)
    {
        ParmsId = target.ParmsId;
        CoeffModulusSize = (ulong)target.CoeffModulusSize;
    }

    /// <summary>Makes this a copy of <paramref name="other"/>, reusing the storage when it is large enough.</summary>
    public void Set(Ciphertext other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return;
        }

        var words = other.Data.Length;
        if (_data.Length < words)
        {
            _data = new ulong[words];
        }

        other.Data.CopyTo(_data);
        Size = other.Size;
        PolyModulusDegree = other.PolyModulusDegree;
        CoeffModulusSize = other.CoeffModulusSize;
        ParmsId = other.ParmsId;
        Scale = other.Scale;
        IsNTTForm = other.IsNTTForm;
        CorrectionFactor = other.CorrectionFactor;
    }

    /// <summary>Releases the storage.</summary>
    public void Release()
    {
        _data = [];
        Size = 0;
    }

    /// <summary>Size in bytes that <see cref="Save(Stream, CompressionMode?)"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(BodySize(seeded: false), compression ?? SealSerialization.DefaultCompression);

    internal long BodySize(bool seeded) =>
        HeaderFieldsSize + PolyArrays.ArrayObjectSize(seeded ? Data.Length / 2 : Data.Length) + (seeded ? NestedObjects.PrngInfoObjectSize : 0);

    private const int HeaderFieldsSize = ParmsId.ByteCount + 1 + 8 + 8 + 8 + 8 + 8;

    /// <summary>Saves in SEAL's format.</summary>
    public long Save(Stream stream, CompressionMode? compression = null) => Save(stream, compression, null);

    internal long Save(Stream stream, CompressionMode? compression, SeedInfo? seed)
    {
        var writer = new SealBodyWriter((int)BodySize(seed is not null));
        WriteBody(writer, seed);
        return SealSerialization.Save(stream, compression ?? SealSerialization.DefaultCompression, writer.WrittenSpan);
    }

    /// <summary>Writes the members; with a seed, c1 is replaced by the seed it expands from (SEAL's seeded form).</summary>
    internal void WriteBody(SealBodyWriter writer, SeedInfo? seed)
    {
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        ParmsId.Write(id);
        writer.WriteBytes(id);
        writer.WriteByte(IsNTTForm ? (byte)1 : (byte)0);
        writer.WriteUInt64(Size);
        writer.WriteUInt64(PolyModulusDegree);
        writer.WriteUInt64(CoeffModulusSize);
        writer.WriteDouble(Scale);
        writer.WriteUInt64(CorrectionFactor);
        if (seed is null)
        {
            PolyArrays.Write(writer, Data);
        }
        else
        {
            PolyArrays.Write(writer, Data[..(Data.Length / 2)]);
            seed.Write(writer);
        }
    }

    /// <summary>Loads a ciphertext saved by SEAL or by <see cref="Save(Stream, CompressionMode?)"/> (also SEAL's seeded form), checking it against the parameters.</summary>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the parameters.</exception>
    public long Load(Parameters parameters, Stream stream) => Load(parameters, stream, SerializationLimits.Default.MaxObjectBytes);

    /// <summary>As <see cref="Load(Parameters, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    public long Load(Parameters parameters, Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = SealSerialization.ReadBody(stream, maxBytes, out var header);
        var reader = new SealBodyReader(body);
        var loaded = ReadBody(parameters, ref reader, allowKeyLevel: false);
        reader.EnsureEnd();
        Set(loaded);
        return (long)header.Size;
    }

    internal static Ciphertext ReadBody(Parameters parameters, ref SealBodyReader reader, bool allowKeyLevel)
    {
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        reader.ReadBytes(id);
        var parmsId = ParmsId.Read(id);
        var ntt = reader.ReadByte();
        var sizeOffset = reader.Position;
        var size = reader.ReadUInt64();
        var degree = reader.ReadUInt64();
        var primes = reader.ReadUInt64();
        var scale = reader.ReadDouble();
        var correction = reader.ReadUInt64();

        var level = parameters.GetLevel(parmsId)
            ?? throw new SealFormatException($"Ciphertext parms_id {parmsId} is not a level of these parameters.", 0);
        if (!allowKeyLevel && level == parameters.KeyLevel && parameters.KeyLevel != parameters.FirstLevel)
        {
            throw new SealFormatException("Ciphertext is at the key level, which holds keys only.", 0);
        }

        if (size > SizeMax || (size < SizeMin && size != 0))
        {
            throw new SealFormatException($"Ciphertext size {size} is outside 0 or [{SizeMin}, {SizeMax}].", sizeOffset);
        }

        if (degree != (ulong)level.N)
        {
            throw new SealFormatException($"Ciphertext has N = {degree}; the parameters has N = {level.N}.", sizeOffset + 8);
        }

        if (primes != (ulong)level.CoeffModulusSize)
        {
            throw new SealFormatException($"Ciphertext declares {primes} primes; its level has {level.CoeffModulusSize}.", sizeOffset + 16);
        }

        if (ntt == 0)
        {
            throw new SealFormatException("A CKKS ciphertext must be in NTT form.", ParmsId.ByteCount);
        }

        if (!(scale > 0) || !double.IsFinite(scale) || (int)Math.Log2(scale) >= level.TotalModulusBits)
        {
            throw new SealFormatException($"Ciphertext scale {scale} is out of bounds for a {level.TotalModulusBits}-bit modulus.", sizeOffset + 24);
        }

        if (correction != 1)
        {
            throw new SealFormatException($"CKKS ciphertexts have correction factor 1, not {correction}.", sizeOffset + 32);
        }

        var ct = new Ciphertext
        {
            ParmsId = parmsId,
            PolyModulusDegree = degree,
            CoeffModulusSize = primes,
            Size = size,
            Scale = scale,
            IsNTTForm = true,
            CorrectionFactor = correction,
        };
        ct._data = PolyArrays.Read(ref reader, (int)size * level.N * level.CoeffModulusSize, allowHalf: size == 2, out var seeded);
        if (seeded)
        {
            var seed = SeedInfo.Read(ref reader);
            using var prng = PrngFactory.Create(seed.Type, seed.Seed);
            UniformSampler.SamplePolyUniform(prng, level.ModuliValues, level.N, ct.Poly(1));
        }

        PolyArrays.CheckReduced(ct.Data, level.ModuliValues, level.N, (int)size, "Ciphertext");
        return ct;
    }

    /// <summary>Releases the storage.</summary>
    public void Dispose() => Release();
}
