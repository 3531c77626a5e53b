using HeCompute.Ckks.Ring;
using HeCompute.Ckks.Rlwe;
using HeCompute.Ckks.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// Generates the secret key and, from it, public, relinearization and Galois keys (SEALNet's <c>KeyGenerator</c>).
/// The Serializable forms are SEAL's seeded forms, half the size on the wire. Disposing the generator overwrites its
/// copy of the secret key.
/// </summary>
public sealed class KeyGenerator : IDisposable
{
    private readonly SEALContext _context;
    private readonly SecretKey _secretKey;

    /// <summary>Creates a generator with a fresh ternary secret key.</summary>
    public KeyGenerator(SEALContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfNotSet();
        _context = context;
        var key = context.KeyContextData;
        var plain = new Plaintext((ulong)(key.N * key.CoeffModulusSize));
        Sampler.SampleTernary(key.ModuliValues, key.N, plain.Data);

        for (var j = 0; j < key.CoeffModulusSize; j++)
        {
            key.Ntt[j].Forward(plain.Limb(j, key.N));
        }

        plain.ParmsId = key.ParmsId;
        plain.Scale = 1.0;
        _secretKey = new SecretKey(plain);
    }

    /// <summary>Creates a generator for an existing secret key.</summary>
    public KeyGenerator(SEALContext context, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secretKey);
        context.ThrowIfNotSet();
        if (secretKey.ParmsId != context.KeyParmsId)
        {
            throw new ParmsIdMismatchException("The secret key does not belong to this context's key level.");
        }

        _context = context;
        _secretKey = new SecretKey(secretKey);
    }

    /// <summary>A copy of the secret key (as in SEALNet); dispose it when done.</summary>
    public SecretKey SecretKey => new(_secretKey);

    /// <summary>Overwrites the generator's copy of the secret key.</summary>
    public void Dispose() => _secretKey.Dispose();

    /// <summary>Creates a public key.</summary>
    public void CreatePublicKey(out PublicKey destination)
    {
        var ct = new Ciphertext();
        RlweEncryption.EncryptZeroSymmetric(_secretKey, _context.KeyContextData, ct);
        destination = new PublicKey(ct);
    }

    /// <summary>Creates a public key in seeded form, for saving.</summary>
    public Serializable<PublicKey> CreatePublicKey()
    {
        var ct = new Ciphertext();
        var seed = RlweEncryption.EncryptZeroSymmetric(_secretKey, _context.KeyContextData, ct);
        var key = new PublicKey(ct, seed);
        return new Serializable<PublicKey>(key.Save, key.SaveSize);
    }

    /// <summary>Creates relinearization keys.</summary>
    public void CreateRelinKeys(out RelinKeys destination) => destination = CreateRelinKeysInternal(saveSeed: false);

    /// <summary>Creates relinearization keys in seeded form, for saving.</summary>
    public Serializable<RelinKeys> CreateRelinKeys()
    {
        var keys = CreateRelinKeysInternal(saveSeed: true);
        return new Serializable<RelinKeys>(keys.Save, keys.SaveSize);
    }

    /// <summary>Creates Galois keys for the given Galois elements.</summary>
    public void CreateGaloisKeys(IEnumerable<uint> galoisElts, out GaloisKeys destination) =>
        destination = CreateGaloisKeysInternal(galoisElts, saveSeed: false);

    /// <summary>Creates Galois keys for the given Galois elements in seeded form, for saving.</summary>
    public Serializable<GaloisKeys> CreateGaloisKeys(IEnumerable<uint> galoisElts)
    {
        var keys = CreateGaloisKeysInternal(galoisElts, saveSeed: true);
        return new Serializable<GaloisKeys>(keys.Save, keys.SaveSize);
    }

    /// <summary>Creates Galois keys for the given rotation steps (0 = conjugation).</summary>
    public void CreateGaloisKeys(IEnumerable<int> steps, out GaloisKeys destination) =>
        CreateGaloisKeys(StepsToElements(steps), out destination);

    /// <summary>Creates Galois keys for the given rotation steps in seeded form, for saving.</summary>
    public Serializable<GaloisKeys> CreateGaloisKeys(IEnumerable<int> steps) => CreateGaloisKeys(StepsToElements(steps));

    /// <summary>Creates SEAL's default Galois key set: ±2^i rotations and conjugation. Prefer naming the steps a circuit needs.</summary>
    public void CreateGaloisKeys(out GaloisKeys destination) =>
        CreateGaloisKeys(GaloisTool.GetEltsAll(_context.KeyContextData.N), out destination);

    /// <summary>Creates SEAL's default Galois key set in seeded form, for saving.</summary>
    public Serializable<GaloisKeys> CreateGaloisKeys() => CreateGaloisKeys(GaloisTool.GetEltsAll(_context.KeyContextData.N));

    private uint[] StepsToElements(IEnumerable<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var n = _context.KeyContextData.N;
        return steps.Select(step => GaloisTool.GetEltFromStep(step, n)).ToArray();
    }

    private void ThrowIfNoKeySwitching()
    {
        if (!_context.UsingKeyswitching)
        {
            throw new InvalidOperationException("These parameters have a single prime, so there is no special prime for key switching.");
        }
    }

    private RelinKeys CreateRelinKeysInternal(bool saveSeed)
    {
        ThrowIfNoKeySwitching();
        var key = _context.KeyContextData;
        var sSquared = new ulong[key.N * key.CoeffModulusSize];
        var s = _secretKey.Data.Data;
        for (var j = 0; j < key.CoeffModulusSize; j++)
        {
            var limb = s.Slice(j * key.N, key.N);
            PolyArith.MultiplyMod(limb, limb, sSquared.AsSpan(j * key.N, key.N), key.Moduli[j]);
        }

        var keys = new RelinKeys { ParmsId = key.ParmsId };
        keys.Resize(1);
        keys.SetEntry(0, CreateKeySwitchingKey(sSquared, saveSeed));
        Array.Clear(sSquared);
        return keys;
    }

    private GaloisKeys CreateGaloisKeysInternal(IEnumerable<uint> galoisElts, bool saveSeed)
    {
        ArgumentNullException.ThrowIfNull(galoisElts);
        ThrowIfNoKeySwitching();
        var key = _context.KeyContextData;
        var keys = new GaloisKeys { ParmsId = key.ParmsId };
        keys.Resize(key.N);
        var rotated = new ulong[key.N * key.CoeffModulusSize];
        var s = _secretKey.Data.Data;
        foreach (var element in galoisElts)
        {
            GaloisTool.Validate(element, key.N);
            if (keys.HasKey(element))
            {
                continue;
            }

            for (var j = 0; j < key.CoeffModulusSize; j++)
            {
                PolyArith.PermuteGaloisNtt(s.Slice(j * key.N, key.N), rotated.AsSpan(j * key.N, key.N), element, key.LogN);
            }

            keys.SetEntry((int)GaloisKeys.GetIndex(element), CreateKeySwitchingKey(rotated, saveSeed));
        }

        Array.Clear(rotated);
        return keys;
    }

    /// <summary>
    /// One key per data prime j: an encryption of zero at the key level plus [P mod q_j]·s′ in limb j, where P is the
    /// special prime (hybrid key switching with one-prime digits, as SEAL does it).
    /// </summary>
    private PublicKey[] CreateKeySwitchingKey(ReadOnlySpan<ulong> newKey, bool saveSeed)
    {
        var key = _context.KeyContextData;
        var n = key.N;
        var digits = _context.FirstContextData.CoeffModulusSize;
        var special = key.Moduli[^1].Value;
        var parts = new PublicKey[digits];
        for (var j = 0; j < digits; j++)
        {
            var ct = new Ciphertext();
            var seed = RlweEncryption.EncryptZeroSymmetric(_secretKey, key, ct);
            var q = key.Moduli[j];
            PolyArith.MultiplyScalarAddMod(newKey.Slice(j * n, n), q.Reduce(special), ct.Limb(0, j), q);
            parts[j] = new PublicKey(ct, saveSeed ? seed : null);
        }

        return parts;
    }
}
