using HeCompute.Ckks.Tools;
using System.Numerics;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>CKKSEncoder</c> over the core's <see cref="CkksCore.Encoder"/>: encodes up to N/2 real or complex
/// numbers into a plaintext at a level and scale, in SEAL's slot order, and decodes them back.
/// </summary>
public sealed class CKKSEncoder : DisposableObject
{
    private readonly CkksCore.Encoder _core;

    /// <summary>The core object; SEALNet's members throw <see cref="ObjectDisposedException"/> once the handle is disposed.</summary>
    private CkksCore.Encoder Live
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }

    // The level the overloads without a parms id encode at: they are those overloads at this level.
    private readonly ParmsId _firstParmsId;

    /// <summary>Creates an encoder.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException">The context's parameters are not valid. (The core's <see cref="InvalidParametersException"/> is the inner exception.)</exception>
    public CKKSEncoder(SEALContext context)
    {
        _core = new CkksCore.Encoder(SEALContext.Require(context, nameof(context)));
        _firstParmsId = context.FirstParmsId;
    }

    /// <summary>Number of slots: N/2.</summary>
    public ulong SlotCount => (ulong)Live.SlotCount;

    /// <summary>Encodes real values (zero-padded to the slot count) at a level and scale.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">More values than slots.</exception>
    /// <exception cref="ArgumentException">The scale does not fit the modulus at the level. (The core's <see cref="ScaleMismatchException"/> is the inner exception.)</exception>
    public void Encode(IEnumerable<double> values, ParmsId parmsId, double scale, Plaintext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        SealNetErrors.Run(() => Live.Encode(values, ParmsId.Require(parmsId, nameof(parmsId)), scale, Plaintext.Unwrap(destination, nameof(destination))));
    }

    /// <summary>Encodes real values at the first data level.</summary>
    public void Encode(IEnumerable<double> values, double scale, Plaintext destination, MemoryPoolHandle? pool = null) =>
        Encode(values, _firstParmsId, scale, destination);

    /// <summary>Encodes complex values (zero-padded to the slot count) at a level and scale.</summary>
    public void Encode(IEnumerable<Complex> values, ParmsId parmsId, double scale, Plaintext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        SealNetErrors.Run(() => Live.Encode(values, ParmsId.Require(parmsId, nameof(parmsId)), scale, Plaintext.Unwrap(destination, nameof(destination))));
    }

    /// <summary>Encodes complex values at the first data level.</summary>
    public void Encode(IEnumerable<Complex> values, double scale, Plaintext destination, MemoryPoolHandle? pool = null) =>
        Encode(values, _firstParmsId, scale, destination);

    /// <summary>Encodes real values from a span without copying them (an extension over SEALNet).</summary>
    public void Encode(ReadOnlySpan<double> values, ParmsId parmsId, double scale, Plaintext destination)
    {
        var id = ParmsId.Require(parmsId, nameof(parmsId));
        var plain = Plaintext.Unwrap(destination, nameof(destination));
        try
        {
            Live.Encode(values, id, scale, plain);
        }
        catch (SealException error) when (SealNetErrors.IsArgumentError(error))
        {
            throw SealNetErrors.Wrap(error);
        }
    }

    /// <summary>Encodes one real value into every slot.</summary>
    public void Encode(double value, ParmsId parmsId, double scale, Plaintext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.Encode(value, ParmsId.Require(parmsId, nameof(parmsId)), scale, Plaintext.Unwrap(destination, nameof(destination))));

    /// <summary>Encodes one real value into every slot at the first data level.</summary>
    public void Encode(double value, double scale, Plaintext destination, MemoryPoolHandle? pool = null) =>
        Encode(value, _firstParmsId, scale, destination);

    /// <summary>Encodes one complex value into every slot.</summary>
    public void Encode(Complex value, ParmsId parmsId, double scale, Plaintext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.Encode(value, ParmsId.Require(parmsId, nameof(parmsId)), scale, Plaintext.Unwrap(destination, nameof(destination))));

    /// <summary>Encodes one complex value into every slot at the first data level.</summary>
    public void Encode(Complex value, double scale, Plaintext destination, MemoryPoolHandle? pool = null) =>
        Encode(value, _firstParmsId, scale, destination);

    /// <summary>Encodes an integer into every slot with scale 1.</summary>
    public void Encode(long value, ParmsId parmsId, Plaintext destination) =>
        SealNetErrors.Run(() => Live.Encode(value, ParmsId.Require(parmsId, nameof(parmsId)), Plaintext.Unwrap(destination, nameof(destination))));

    /// <summary>Encodes an integer into every slot with scale 1 at the first data level.</summary>
    public void Encode(long value, Plaintext destination) => Encode(value, _firstParmsId, destination);

    /// <summary>Decodes into real values (the real parts of the slots); the collection is cleared first.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public void Decode(Plaintext plain, ICollection<double> destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SealNetErrors.Run(() => Live.Decode(Plaintext.Unwrap(plain, nameof(plain)), destination));
    }

    /// <summary>Decodes into complex values; the collection is cleared first.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public void Decode(Plaintext plain, ICollection<Complex> destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SealNetErrors.Run(() => Live.Decode(Plaintext.Unwrap(plain, nameof(plain)), destination));
    }

    /// <summary>Decodes the real parts (and, if <paramref name="imaginary"/> is not empty, the imaginary parts) of every slot (an extension over SEALNet).</summary>
    public void Decode(Plaintext plain, Span<double> real, Span<double> imaginary)
    {
        var core = Plaintext.Unwrap(plain, nameof(plain));
        try
        {
            Live.Decode(core, real, imaginary);
        }
        catch (SealException error) when (SealNetErrors.IsArgumentError(error))
        {
            throw SealNetErrors.Wrap(error);
        }
    }

}
