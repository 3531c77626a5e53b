using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Ciphertext</c>, a handle on a core <see cref="Rlwe.Ciphertext"/>: <see cref="Size"/> RNS polynomials
/// in NTT form at the level named by <see cref="ParmsId"/>.
/// </summary>
public sealed class Ciphertext : SealObject<Rlwe.Ciphertext>, ISettable<Ciphertext>
{
    /// <summary>Smallest size of a non-empty ciphertext.</summary>
    public const int SizeMin = Rlwe.Ciphertext.SizeMin;

    /// <summary>Largest size SEAL allows.</summary>
    public const int SizeMax = Rlwe.Ciphertext.SizeMax;

    /// <summary>Creates an empty ciphertext.</summary>
    public Ciphertext() : this(new Rlwe.Ciphertext(), null)
    {
    }

    /// <summary>Creates an empty ciphertext whose storage the pool reports.</summary>
    public Ciphertext(MemoryPoolHandle? pool) : this(new Rlwe.Ciphertext(), pool)
    {
    }

    /// <summary>Creates an empty ciphertext at the context's first data level.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException">The context's parameters are not valid. (The core's <see cref="InvalidParametersException"/> is the inner exception.)</exception>
    public Ciphertext(SEALContext context, MemoryPoolHandle? pool = null)
        : this(new Rlwe.Ciphertext(SEALContext.Require(context, nameof(context))), pool)
    {
    }

    /// <summary>Creates an empty ciphertext at a level of the context.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="parmsId"/> is not a level of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public Ciphertext(SEALContext context, ParmsId parmsId, MemoryPoolHandle? pool = null)
        : this(SealNetErrors.Run(() => new Rlwe.Ciphertext(SEALContext.Require(context, nameof(context)), ParmsId.Require(parmsId, nameof(parmsId)))), pool)
    {
    }

    /// <summary>Creates an empty ciphertext at a level of the context, with storage for <paramref name="sizeCapacity"/> polynomials.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sizeCapacity"/> is not in [2, 16].</exception>
    /// <exception cref="ArgumentException"><paramref name="parmsId"/> is not a level of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public Ciphertext(SEALContext context, ParmsId parmsId, ulong sizeCapacity, MemoryPoolHandle? pool = null)
        : this(context, parmsId, pool) => Reserve(sizeCapacity);

    /// <summary>Copies a ciphertext.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Ciphertext(Ciphertext copy) : this(new Rlwe.Ciphertext(Unwrap(copy, nameof(copy))), null)
    {
    }

    /// <summary>Copies a ciphertext into storage of another pool.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public Ciphertext(Ciphertext copy, MemoryPoolHandle pool) : this(new Rlwe.Ciphertext(Unwrap(copy, nameof(copy))), pool)
    {
    }

    /// <summary>Wraps a core ciphertext (no copy: both handles see the same polynomials).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="core"/> is null.</exception>
    public Ciphertext(Rlwe.Ciphertext core) : base(core)
    {
    }

    private Ciphertext(Rlwe.Ciphertext core, MemoryPoolHandle? pool) : base(core, pool)
    {
    }

    /// <summary>The core ciphertext this handle wraps, for code that mixes this layer with the core.</summary>
    public Rlwe.Ciphertext Core => Wrapped;

    /// <summary>Number of polynomials (2 when fresh, 3 after a multiplication before relinearization).</summary>
    public ulong Size => Core.Size;

    /// <summary>How many polynomials the storage holds without reallocating (0 while the ciphertext has no level).</summary>
    public ulong SizeCapacity => Core.SizeCapacity;

    /// <summary>Ring degree N.</summary>
    public ulong PolyModulusDegree => Core.PolyModulusDegree;

    /// <summary>Number of primes at this ciphertext's level.</summary>
    public ulong CoeffModulusSize => Core.CoeffModulusSize;

    /// <summary>The level (a copy, as in SEALNet).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public ParmsId ParmsId
    {
        get => new(Core.ParmsId);
        set => Core.ParmsId = ParmsId.Require(value, nameof(value));
    }

    /// <summary>The CKKS scale of the encrypted message.</summary>
    public double Scale
    {
        get => Core.Scale;
        set => Core.Scale = value;
    }

    /// <summary>Whether the data is in NTT form (always true for CKKS ciphertexts).</summary>
    public bool IsNTTForm
    {
        get => Core.IsNTTForm;
        set => Core.IsNTTForm = value;
    }

    /// <summary>BGV's correction factor; 1 for CKKS, kept for the wire format.</summary>
    public ulong CorrectionFactor
    {
        get => Core.CorrectionFactor;
        set => Core.CorrectionFactor = value;
    }

    /// <summary>Whether every coefficient of c1..c(size-1) is zero: such a ciphertext would reveal its message.</summary>
    public bool IsTransparent => Core.IsTransparent;

    /// <summary>Coefficient access by flat index (((poly × primes) + prime) × N + coefficient).</summary>
    public ulong this[ulong coeffIndex]
    {
        get => Core[coeffIndex];
        set => Core[coeffIndex] = value;
    }

    /// <summary>Coefficient <paramref name="coeffIndex"/> (in [0, N × primes)) of polynomial <paramref name="polyIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ulong this[ulong polyIndex, ulong coeffIndex]
    {
        get => Core[Flat(polyIndex, coeffIndex)];
        set => Core[Flat(polyIndex, coeffIndex)] = value;
    }

    private ulong Flat(ulong polyIndex, ulong coeffIndex)
    {
        var polyWords = PolyModulusDegree * CoeffModulusSize;
        if (polyIndex >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(polyIndex), polyIndex, $"The ciphertext has {Size} polynomials.");
        }

        if (coeffIndex >= polyWords)
        {
            throw new ArgumentOutOfRangeException(nameof(coeffIndex), coeffIndex, $"A polynomial has {polyWords} coefficients (N × primes).");
        }

        return (polyIndex * polyWords) + coeffIndex;
    }

    /// <summary>Gives the storage room for <paramref name="sizeCapacity"/> polynomials at the level <paramref name="parmsId"/> (the size is truncated to it).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sizeCapacity"/> is not in [2, 16].</exception>
    public void Reserve(SEALContext context, ParmsId parmsId, ulong sizeCapacity) =>
        SealNetErrors.Run(() => Core.Reserve(SEALContext.Require(context, nameof(context)), ParmsId.Require(parmsId, nameof(parmsId)), sizeCapacity));

    /// <summary>Gives the storage room for <paramref name="sizeCapacity"/> polynomials at the context's first data level.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sizeCapacity"/> is not in [2, 16].</exception>
    public void Reserve(SEALContext context, ulong sizeCapacity)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        Core.Reserve(parameters, parameters.FirstParmsId, sizeCapacity);
    }

    /// <summary>Gives the storage room for <paramref name="sizeCapacity"/> polynomials at the current level.</summary>
    /// <exception cref="ArgumentException"><paramref name="sizeCapacity"/> is not in [2, 16].</exception>
    public void Reserve(ulong sizeCapacity) => Core.Reserve(sizeCapacity);

    /// <summary>Resizes to <paramref name="size"/> polynomials at the current level, without a context (new polynomials are zero).</summary>
    /// <exception cref="ArgumentException"><paramref name="size"/> is 1 or above 16.</exception>
    public void Resize(ulong size) => Core.Resize(size);

    /// <summary>Makes this a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(Ciphertext assign) => Core.Set(Unwrap(assign, nameof(assign)));

    /// <summary>Resizes to <paramref name="size"/> polynomials at the level <paramref name="parmsId"/>; new polynomials are zero.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public void Resize(SEALContext context, ParmsId parmsId, ulong size) =>
        SealNetErrors.Run(() => Core.Resize(SEALContext.Require(context, nameof(context)), ParmsId.Require(parmsId, nameof(parmsId)), size));

    /// <summary>Resizes to <paramref name="size"/> polynomials at its current level.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public void Resize(SEALContext context, ulong size) => Core.Resize(SEALContext.Require(context, nameof(context)), size);

    /// <summary>Releases the storage.</summary>
    public void Release() => Core.Release();

    /// <summary>As <see cref="SealObject{TCore}.Load(SEALContext, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    /// <exception cref="EndOfStreamException">The stream ends before the object does.</exception>
    public long Load(SEALContext context, Stream stream, long maxBytes) => SealLoad.Run(() => Core.Load(LoadParameters(context, stream), stream, maxBytes));

    /// <inheritdoc/>
    private protected override long StorageBytes(Rlwe.Ciphertext core) => (long)(core.SizeCapacity * core.PolyModulusDegree * core.CoeffModulusSize) * sizeof(ulong);
}
