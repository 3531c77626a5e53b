using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Generates the secret key and, from it, public, relinearization and Galois keys (SEALNet's <c>KeyGenerator</c>).
/// The Seeded forms are SEAL's seeded forms, half the size on the wire. Disposing the generator overwrites its
/// copy of the secret key.
/// </summary>
public sealed class KeyGenerator : IDisposable
{
    private readonly Parameters _parameters;
    private readonly SecretKey _secretKey;

    /// <summary>Creates a generator with a fresh ternary secret key.</summary>
    public KeyGenerator(Parameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        var key = parameters.KeyLevel;
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
    public KeyGenerator(Parameters parameters, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _secretKey = new SecretKey(SecretKey.RequireOf(parameters, secretKey, nameof(secretKey)));
        _parameters = parameters;
    }

    /// <summary>A copy of the secret key; dispose it when done.</summary>
    public SecretKey SecretKey => new(_secretKey);

    /// <summary>Overwrites the generator's copy of the secret key.</summary>
    public void Dispose() => _secretKey.Dispose();

    /// <summary>Creates a public key.</summary>
    public PublicKey CreatePublicKey()
    {
        var ct = new Ciphertext();
        RlweEncryption.EncryptZeroSymmetric(_secretKey, _parameters.KeyLevel, ct);
        return new PublicKey(ct);
    }

    /// <summary>Creates a public key in SEAL's seeded form, for saving (half the size).</summary>
    public Seeded<PublicKey> CreateSeededPublicKey()
    {
        var ct = new Ciphertext();
        var seed = RlweEncryption.EncryptZeroSymmetric(_secretKey, _parameters.KeyLevel, ct);
        var key = new PublicKey(ct, seed);
        return new Seeded<PublicKey>(key.Save, key.SaveSize);
    }

    /// <summary>Creates relinearization keys.</summary>
    public RelinKeys CreateRelinKeys() => CreateRelinKeysInternal(saveSeed: false);

    /// <summary>Creates relinearization keys in SEAL's seeded form, for saving.</summary>
    public Seeded<RelinKeys> CreateSeededRelinKeys()
    {
        var keys = CreateRelinKeysInternal(saveSeed: true);
        return new Seeded<RelinKeys>(keys.Save, keys.SaveSize);
    }

    /// <summary>Creates Galois keys for the given Galois elements (one key switch's worth of work each).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; checked before every key.</exception>
    public GaloisKeys CreateGaloisKeys(IEnumerable<uint> galoisElements, CancellationToken cancellationToken = default) =>
        CreateGaloisKeysInternal(galoisElements, saveSeed: false, cancellationToken);

    /// <summary>Creates Galois keys for the given rotation steps (0 = conjugation).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; checked before every key.</exception>
    public GaloisKeys CreateGaloisKeys(IEnumerable<int> steps, CancellationToken cancellationToken = default) =>
        CreateGaloisKeys(StepsToElements(steps), cancellationToken);

    /// <summary>Creates Galois keys for the given Galois elements in SEAL's seeded form, for saving.</summary>
    public Seeded<GaloisKeys> CreateSeededGaloisKeys(IEnumerable<uint> galoisElements, CancellationToken cancellationToken = default)
    {
        var keys = CreateGaloisKeysInternal(galoisElements, saveSeed: true, cancellationToken);
        return new Seeded<GaloisKeys>(keys.Save, keys.SaveSize);
    }

    /// <summary>Creates Galois keys for the given rotation steps in SEAL's seeded form, for saving.</summary>
    public Seeded<GaloisKeys> CreateSeededGaloisKeys(IEnumerable<int> steps, CancellationToken cancellationToken = default) =>
        CreateSeededGaloisKeys(StepsToElements(steps), cancellationToken);

    private uint[] StepsToElements(IEnumerable<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var n = _parameters.KeyLevel.N;
        return steps.Select(step => GaloisElements.FromStep(step, n)).ToArray();
    }

    private void ThrowIfNoKeySwitching()
    {
        if (!_parameters.SupportsKeySwitching)
        {
            throw new InvalidOperationException("These parameters have a single prime, so there is no special prime for key switching.");
        }
    }

    private RelinKeys CreateRelinKeysInternal(bool saveSeed)
    {
        ThrowIfNoKeySwitching();
        var key = _parameters.KeyLevel;
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

    private GaloisKeys CreateGaloisKeysInternal(IEnumerable<uint> galoisElements, bool saveSeed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(galoisElements);
        ThrowIfNoKeySwitching();
        var key = _parameters.KeyLevel;
        var keys = new GaloisKeys { ParmsId = key.ParmsId };
        keys.Resize(key.N);
        var rotated = new ulong[key.N * key.CoeffModulusSize];
        var s = _secretKey.Data.Data;
        foreach (var element in galoisElements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GaloisElements.Validate(element, key.N);
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
    private SwitchingKey CreateKeySwitchingKey(ReadOnlySpan<ulong> newKey, bool saveSeed)
    {
        var key = _parameters.KeyLevel;
        var n = key.N;
        var digits = _parameters.FirstLevel.CoeffModulusSize;
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

        return new SwitchingKey(parts);
    }
}
