using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>KeyGenerator</c> over the core's <see cref="Rlwe.KeyGenerator"/>: the secret key and, from it, public,
/// relinearization and Galois keys. The <see cref="Serializable{T}"/> forms are SEAL's seeded forms, half the size on
/// the wire. Disposing the generator overwrites its copy of the secret key.
/// </summary>
public sealed class KeyGenerator : DisposableObject
{
    private readonly Rlwe.KeyGenerator _core;

    /// <summary>The core object; SEALNet's members throw <see cref="ObjectDisposedException"/> once the handle is disposed.</summary>
    private Rlwe.KeyGenerator Live
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }
    private readonly int _polyModulusDegree;

    /// <summary>Creates a generator with a fresh secret key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException">The context's parameters are not valid. (The core's <see cref="InvalidParametersException"/> is the inner exception.)</exception>
    public KeyGenerator(SEALContext context)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        _core = new Rlwe.KeyGenerator(parameters);
        _polyModulusDegree = parameters.PolyModulusDegree;
    }

    /// <summary>Creates a generator for an existing secret key.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key is not a key of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public KeyGenerator(SEALContext context, SecretKey secretKey)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        _core = SealNetErrors.Run(() => new Rlwe.KeyGenerator(parameters, SecretKey.Unwrap(secretKey, nameof(secretKey))));
        _polyModulusDegree = parameters.PolyModulusDegree;
    }

    /// <summary>A copy of the secret key; dispose it when done.</summary>
    public SecretKey SecretKey => new(Live.SecretKey);

    /// <summary>Creates a public key.</summary>
    public void CreatePublicKey(out PublicKey destination) => destination = new PublicKey(Live.CreatePublicKey());

    /// <summary>Creates a public key in SEAL's seeded form, for saving.</summary>
    public Serializable<PublicKey> CreatePublicKey() => new(Live.CreateSeededPublicKey());

    /// <summary>Creates relinearization keys.</summary>
    /// <exception cref="InvalidOperationException">The parameters have no special prime (see <see cref="SEALContext.UsingKeyswitching"/>).</exception>
    public void CreateRelinKeys(out RelinKeys destination) => destination = new RelinKeys(Live.CreateRelinKeys());

    /// <summary>Creates relinearization keys in SEAL's seeded form, for saving.</summary>
    /// <exception cref="InvalidOperationException">The parameters have no special prime.</exception>
    public Serializable<RelinKeys> CreateRelinKeys() => new(Live.CreateSeededRelinKeys());

    /// <summary>Creates Galois keys for the given Galois elements.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="galoisElts"/> is null.</exception>
    /// <exception cref="ArgumentException">An element is even or not below 2N.</exception>
    public void CreateGaloisKeys(IEnumerable<uint> galoisElts, out GaloisKeys destination) =>
        destination = new GaloisKeys(Live.CreateGaloisKeys(Required(galoisElts)));

    /// <summary>Creates Galois keys for the given Galois elements in SEAL's seeded form, for saving.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="galoisElts"/> is null.</exception>
    public Serializable<GaloisKeys> CreateGaloisKeys(IEnumerable<uint> galoisElts) => new(Live.CreateSeededGaloisKeys(Required(galoisElts)));

    /// <summary>Creates Galois keys for the given rotation steps (0 = conjugation).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is null (the core refuses it under the same name).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A step is at least N/2 in magnitude.</exception>
    public void CreateGaloisKeys(IEnumerable<int> steps, out GaloisKeys destination) => destination = new GaloisKeys(Live.CreateGaloisKeys(steps));

    /// <summary>Creates Galois keys for the given rotation steps in SEAL's seeded form, for saving.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is null.</exception>
    public Serializable<GaloisKeys> CreateGaloisKeys(IEnumerable<int> steps) => new(Live.CreateSeededGaloisKeys(steps));

    /// <summary>Creates SEAL's default Galois keys: conjugation and rotations by ±2^i.</summary>
    public void CreateGaloisKeys(out GaloisKeys destination) => CreateGaloisKeys(Rlwe.GaloisElements.Default(_polyModulusDegree), out destination);

    /// <summary>Creates SEAL's default Galois keys in SEAL's seeded form, for saving.</summary>
    public Serializable<GaloisKeys> CreateGaloisKeys() => CreateGaloisKeys(Rlwe.GaloisElements.Default(_polyModulusDegree));

    /// <summary>Overwrites the generator's copy of the secret key (once, on SEALNet's <c>Dispose</c>).</summary>
    protected override void DisposeManagedResources() => SealNetErrors.Run(() => _core.Dispose());

    /// <summary>The elements, refused when null under SEALNet's argument name (the core names it otherwise).</summary>
    private static IEnumerable<uint> Required(IEnumerable<uint> galoisElts)
    {
        ArgumentNullException.ThrowIfNull(galoisElts);
        return galoisElts;
    }
}
