using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Plaintext</c>, a handle on a core <see cref="Rlwe.Plaintext"/>: a CKKS plaintext is one RNS polynomial
/// in NTT form at some level, <see cref="CoeffCount"/> = N × (primes at that level).
/// </summary>
public sealed class Plaintext : SealObject<Rlwe.Plaintext>
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
    public Plaintext(Rlwe.Plaintext core) : base(core)
    {
    }

    /// <summary>The core plaintext this handle wraps, for code that mixes this layer with the core.</summary>
    public Rlwe.Plaintext Core => Wrapped;

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

    /// <summary>As <see cref="SealObject{TCore}.Load(SEALContext, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    public long Load(SEALContext context, Stream stream, long maxBytes) => SealLoad.Run(() => Core.Load(LoadParameters(context, stream), stream, maxBytes));
}
