using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Bench;

/// <summary>
/// Everything the CKKS benchmarks need for one ring degree, built once: context, keys, inputs, and preallocated
/// destinations. Each operation method is one engine call (two for multiply + relinearize) that writes into a
/// destination it owns, so the measured body allocates only what the engine itself allocates.
/// </summary>
/// <remarks>
/// Operations that would change their operand (multiply, relinearize, rescale, rotate, conjugate) use the
/// engine's out-of-place forms with a preallocated destination: the operand stays intact between calls, and the
/// time includes the engine's copy of the operand into the destination (SEAL's out-of-place forms copy too).
/// After the first call each destination already has the capacity it needs, so the copy allocates nothing.
/// </remarks>
public sealed class CkksFixture
{
    /// <summary>The CKKS scale, 2^40.</summary>
    public const double Scale = 1099511627776.0;

    /// <summary>Seed of the message values (the engine's own randomness is not seeded).</summary>
    private const int MessageSeed = 20240;

    private readonly Encoder _encoder;
    private readonly Encryptor _encryptor;
    private readonly Decryptor _decryptor;
    private readonly Evaluator _evaluator;
    private readonly RelinKeys _relinKeys;
    private readonly GaloisKeys _galoisKeys;
    private readonly ParmsId _firstParmsId;

    private readonly double[] _values;
    private readonly Plaintext _plain;
    private readonly Ciphertext _ct1;
    private readonly Ciphertext _ct2;
    private readonly Ciphertext _product;
    private readonly Ciphertext _relinearized;

    private readonly Plaintext _plainOut = new();
    private readonly Ciphertext _ctOut = new();
    private readonly double[] _decoded;

    /// <summary>Builds the context, keys (public, relinearization, Galois for step 1 and conjugation) and operands.</summary>
    public CkksFixture(int n)
    {
        EngineThreads.Apply();
        N = n;
        var parms = new ParametersLiteral(n, CoeffModulus.Create(n, PrimeBits(n)));
        Context = Parameters.Create(parms);

        _firstParmsId = Context.FirstParmsId;
        var keygen = new KeyGenerator(Context);
        var publicKey = keygen.CreatePublicKey();
        _relinKeys = keygen.CreateRelinKeys();
        // Step 0 is SEAL's name for complex conjugation (Galois element 2N − 1).
        _galoisKeys = keygen.CreateGaloisKeys([1, 0]);

        _encoder = new Encoder(Context);
        _encryptor = new Encryptor(Context, publicKey, keygen.SecretKey);
        _decryptor = new Decryptor(Context, keygen.SecretKey);
        _evaluator = new Evaluator(Context);

        var slots = (int)_encoder.SlotCount;
        var random = new Random(MessageSeed);
        _values = new double[slots];
        for (var i = 0; i < slots; i++)
        {
            _values[i] = (2 * random.NextDouble()) - 1;
        }

        _decoded = new double[slots];

        _plain = new Plaintext();
        _encoder.Encode(_values, _firstParmsId, Scale, _plain);
        _ct1 = new Ciphertext();
        _encryptor.Encrypt(_plain, _ct1);
        _ct2 = new Ciphertext();
        _encryptor.Encrypt(_plain, _ct2);
        _product = new Ciphertext();
        _evaluator.Multiply(_ct1, _ct2, _product);
        _relinearized = new Ciphertext();
        _evaluator.Relinearize(_product, _relinKeys, _relinearized);

        // One call of each out-of-place op sizes the destinations; the measured calls then reuse their storage.
        foreach (var op in CkksOps.All)
        {
            op.Run(this);
        }

        CheckRoundTrip();
    }

    /// <summary>Ring degree.</summary>
    public int N { get; }

    /// <summary>The context (first data level has all primes but the special one).</summary>
    public Parameters Context { get; }

    /// <summary>Prime bit sizes of the anchors' parameter sets.</summary>
    public static int[] PrimeBits(int n) => n switch
    {
        8192 => [60, 40, 40, 60],
        16384 => [60, 40, 40, 40, 40, 40, 40, 60],
        _ => throw new ArgumentOutOfRangeException(nameof(n), n, "The benchmarks use N = 8192 or 16384."),
    };

    /// <summary>Encodes N/2 doubles at the first level.</summary>
    public void Encode() => _encoder.Encode(_values.AsSpan(), _firstParmsId, Scale, _plainOut);

    /// <summary>Encrypts with the public key.</summary>
    public void EncryptPublic() => _encryptor.Encrypt(_plain, _ctOut);

    /// <summary>Encrypts with the secret key (full, not seeded, ciphertext).</summary>
    public void EncryptSecret() => _encryptor.EncryptSymmetric(_plain, _ctOut);

    /// <summary>Decrypts a fresh ciphertext.</summary>
    public void Decrypt() => _decryptor.Decrypt(_ct1, _plainOut);

    /// <summary>Decodes the real parts of all N/2 slots (what SEAL's decode to doubles returns).</summary>
    public void Decode() => _encoder.Decode(_plain, _decoded, []);

    /// <summary>ct1 + ct2 into a destination.</summary>
    public void Add() => _evaluator.Add(_ct1, _ct2, _ctOut);

    /// <summary>ct1 × plain into a destination.</summary>
    public void MultiplyPlain() => _evaluator.MultiplyPlain(_ct1, _plain, _ctOut);

    /// <summary>ct1 × ct2 (size 3, no relinearization) into a destination.</summary>
    public void Multiply() => _evaluator.Multiply(_ct1, _ct2, _ctOut);

    /// <summary>Relinearizes a size-3 product into a destination.</summary>
    public void Relinearize() => _evaluator.Relinearize(_product, _relinKeys, _ctOut);

    /// <summary>ct1 × ct2 then relinearization, in the destination.</summary>
    public void MultiplyRelinearize()
    {
        _evaluator.Multiply(_ct1, _ct2, _ctOut);
        _evaluator.RelinearizeInplace(_ctOut, _relinKeys);
    }

    /// <summary>Rescales a relinearized product (scale 2^80) to the next level, into a destination.</summary>
    public void RescaleToNext() => _evaluator.RescaleToNext(_relinearized, _ctOut);

    /// <summary>Rotates the slots left by one, into a destination.</summary>
    public void RotateVector1() => _evaluator.RotateVector(_ct1, 1, _galoisKeys, _ctOut);

    /// <summary>Conjugates the slots, into a destination.</summary>
    public void ComplexConjugate() => _evaluator.ComplexConjugate(_ct1, _galoisKeys, _ctOut);

    /// <summary>Guards against benchmarking a broken pipeline: ct1 must decrypt to the message.</summary>
    private void CheckRoundTrip()
    {
        _decryptor.Decrypt(_ct1, _plainOut);
        _encoder.Decode(_plainOut, _decoded, []);
        var maxError = 0.0;
        for (var i = 0; i < _values.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(_decoded[i] - _values[i]));
        }

        if (!(maxError < 1e-4))
        {
            throw new InvalidOperationException($"N={N}: encrypt/decrypt round trip is off by {maxError}; not benchmarking a broken engine.");
        }
    }
}
