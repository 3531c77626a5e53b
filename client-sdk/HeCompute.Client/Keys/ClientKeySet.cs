using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Contracts;

namespace HeCompute.Client.Keys;

/// <summary>
/// An unlocked key set in this process's memory: the plan, its context and the secret key, with what the client does
/// with them — encrypt slot values (symmetric, seeded: half the size of a public-key encryption) and decrypt results.
/// Dispose it as soon as the work is done; the secret key is cleared on dispose.
/// </summary>
public sealed class ClientKeySet : ISlotEncryptor
{
    private readonly SecretKey _secretKey;
    private readonly Encoder _encoder;
    private readonly Encryptor _encryptor;
    private readonly Decryptor _decryptor;

    internal ClientKeySet(StoredKeySet stored, Parameters context, SecretKey secretKey)
    {
        Stored = stored;
        Context = context;
        _secretKey = secretKey;
        _encoder = new Encoder(context);
        _encryptor = new Encryptor(context, secretKey);
        _decryptor = new Decryptor(context, secretKey);
    }

    /// <summary>What the key store knows about this key set.</summary>
    public StoredKeySet Stored { get; }

    /// <summary>The plan the keys follow.</summary>
    public PlanDocument Plan => Stored.Plan;

    /// <summary>The context of the plan's parameters.</summary>
    public Parameters Context { get; }

    /// <inheritdoc/>
    public string Description => $"key set {Stored.Id}";

    /// <summary>Slots per ciphertext (N/2).</summary>
    public int SlotCount => (int)_encoder.SlotCount;

    /// <summary>
    /// Encodes <paramref name="slots"/> (at most <see cref="SlotCount"/>; the rest are zero) at the plan's scale and
    /// encrypts them with the secret key; returns the seeded SEAL serialization, uncompressed.
    /// </summary>
    public byte[] Encrypt(ReadOnlySpan<double> slots)
    {
        if (slots.Length > SlotCount)
        {
            throw new ArgumentException($"{slots.Length} values do not fit in {SlotCount} slots.", nameof(slots));
        }

        using var plain = new Plaintext();
        _encoder.Encode(slots, Context.FirstParmsId, Plan.Parameters.Scale, plain);
        var encrypted = _encryptor.EncryptSymmetric(plain);
        using var stream = new MemoryStream();
        encrypted.Save(stream, CompressionMode.None);
        return stream.ToArray();
    }

    /// <summary>Loads a result ciphertext (validated against this key set's parameters), decrypts and decodes it.</summary>
    /// <exception cref="SealException">The bytes are not a ciphertext for these parameters.</exception>
    public double[] Decrypt(byte[] ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        using var encrypted = new Ciphertext();
        using (var stream = new MemoryStream(ciphertext, writable: false))
        {
            encrypted.Load(Context, stream, MaxCiphertextBytes);
        }

        using var plain = new Plaintext();
        _decryptor.Decrypt(encrypted, plain);
        var values = new double[SlotCount];
        var imaginary = new double[SlotCount];
        _encoder.Decode(plain, values, imaginary);
        return values;
    }

    /// <summary>
    /// The most a result ciphertext of these parameters can weigh once decompressed: three polynomials (an
    /// unrelinearized product) over every prime of the first level, plus headers. A larger body is refused.
    /// </summary>
    private long MaxCiphertextBytes =>
        (3L * Context.PolyModulusDegree * Context.FirstLevel.PrimeCount * sizeof(ulong)) + 4096;

    /// <inheritdoc/>
    public void Dispose()
    {
        _secretKey.Dispose();
    }
}
