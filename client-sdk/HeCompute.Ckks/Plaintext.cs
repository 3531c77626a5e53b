using HeCompute.Lattice;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Plaintext</c>, a handle on a core <see cref="Rlwe.Plaintext"/>: a CKKS plaintext is one RNS polynomial
/// in NTT form at some level, <see cref="CoeffCount"/> = N × (primes at that level).
/// </summary>
public sealed class Plaintext : IDisposable
{
    /// <summary>Creates an empty plaintext.</summary>
    public Plaintext(MemoryPoolHandle? pool = null) : this(new Rlwe.Plaintext()) => _ = pool;

    /// <summary>Creates a plaintext of the given coefficient count, all zero.</summary>
    public Plaintext(ulong coeffCount, MemoryPoolHandle? pool = null) : this(new Rlwe.Plaintext(coeffCount)) => _ = pool;

    /// <summary>Copies a plaintext.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Plaintext(Plaintext copy) : this(new Rlwe.Plaintext(Unwrap(copy, nameof(copy))))
    {
    }

    /// <summary>Wraps a core plaintext (no copy: both handles see the same coefficients).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="core"/> is null.</exception>
    public Plaintext(Rlwe.Plaintext core)
    {
        ArgumentNullException.ThrowIfNull(core);
        Core = core;
    }

    /// <summary>The core plaintext this handle wraps, for code that mixes this layer with the core.</summary>
    public Rlwe.Plaintext Core { get; }

    /// <summary>Number of coefficients.</summary>
    public ulong CoeffCount => Core.CoeffCount;

    /// <summary>The level this plaintext is encoded at (zero if not in NTT form); a copy, as in SEALNet.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public ParmsId ParmsId
    {
        get => new(Core.ParmsId);
        set => Core.ParmsId = ParmsId.Require(value, nameof(value));
    }

    /// <summary>The CKKS scale the message was multiplied by.</summary>
    public double Scale
    {
        get => Core.Scale;
        set => Core.Scale = value;
    }

    /// <summary>Whether the plaintext is in NTT form (CKKS plaintexts always are once encoded).</summary>
    public bool IsNTTForm => Core.IsNTTForm;

    /// <summary>Whether every coefficient is zero.</summary>
    public bool IsZero => Core.IsZero;

    /// <summary>Coefficient access.</summary>
    public ulong this[ulong coeffIndex]
    {
        get => Core[coeffIndex];
        set => Core[coeffIndex] = value;
    }

    /// <summary>Resizes to <paramref name="coeffCount"/> coefficients, keeping the common prefix.</summary>
    public void Resize(ulong coeffCount) => Core.Resize(coeffCount);

    /// <summary>Sets every coefficient to zero.</summary>
    public void SetZero() => Core.SetZero();

    /// <summary>Clears the coefficients and releases the storage.</summary>
    public void Release() => Core.Release();

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) => Core.SaveSize(comprMode.ToCore());

    /// <summary>Saves in SEAL's format.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Core.Save(stream, comprMode.ToCore());
    }

    /// <summary>Loads a plaintext saved by SEAL or by <see cref="Save"/>, checking it against the context.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    public long Load(SEALContext context, Stream stream) => Load(context, stream, SerializationLimits.Default.MaxObjectBytes);

    /// <summary>As <see cref="Load(SEALContext, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    public long Load(SEALContext context, Stream stream, long maxBytes)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        ArgumentNullException.ThrowIfNull(stream);
        return Core.Load(parameters, stream, maxBytes);
    }

    /// <summary>Overwrites the coefficients with zeros.</summary>
    public void Dispose() => Core.Dispose();

    /// <summary>The core plaintext of an argument, refusing null as SEALNet does.</summary>
    internal static Rlwe.Plaintext Unwrap(Plaintext? plain, string name)
    {
        ArgumentNullException.ThrowIfNull(plain, name);
        return plain.Core;
    }
}
