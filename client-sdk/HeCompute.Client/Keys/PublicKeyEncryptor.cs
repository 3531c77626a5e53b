using System.Security.Cryptography;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Keys;

/// <summary>
/// A dataset contributor's encryptor: the plan's parameters and the dataset owner's public key, nothing secret. What
/// it encrypts only the owner can decrypt, and the contributor cannot decrypt it either (not even its own records).
/// </summary>
/// <remarks>
/// The public key comes from the server, so a dishonest server could hand out a key of its own. A contributor that
/// pins the owner's fingerprint (<see cref="PublicKeySha256"/>, obtained from the owner out of band, e.g. with
/// <see cref="KeyStore.PublicKeySha256Async"/>) rules that out.
/// </remarks>
public sealed class PublicKeyEncryptor : ISlotEncryptor
{
    private readonly Parameters _context;
    private readonly PublicKey _publicKey;
    private readonly Encoder _encoder;
    private readonly Encryptor _encryptor;

    private PublicKeyEncryptor(PlanDocument plan, Parameters context, PublicKey publicKey, string sha256)
    {
        Plan = plan;
        _context = context;
        _publicKey = publicKey;
        PublicKeySha256 = sha256;
        _encoder = new Encoder(context);
        _encryptor = new Encryptor(context, publicKey);
    }

    /// <inheritdoc/>
    public PlanDocument Plan { get; }

    /// <summary>Hex SHA-256 of the public key's SEAL bytes (as the owner stored and uploaded them).</summary>
    public string PublicKeySha256 { get; }

    /// <inheritdoc/>
    public string Description => $"public key sha256:{PublicKeySha256}";

    /// <inheritdoc/>
    public int SlotCount => (int)_encoder.SlotCount;

    /// <summary>
    /// Validates <paramref name="plan"/> (CKKS, consistent, 128-bit) and loads <paramref name="publicKey"/> (SEAL
    /// bytes) for its parameters.
    /// </summary>
    /// <param name="plan">The dataset's plan.</param>
    /// <param name="publicKey">The owner's public key, e.g. from <c>GET /v1/datasets/{id}/public-key</c>.</param>
    /// <param name="expectedSha256">The owner's fingerprint to pin (hex), or null to trust the server.</param>
    /// <exception cref="PlanMismatchException">The plan is unusable, the bytes are not a public key for its parameters, or the fingerprint differs.</exception>
    public static PublicKeyEncryptor Create(PlanDocument plan, byte[] publicKey, string? expectedSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(publicKey);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(publicKey));
        if (expectedSha256 is not null && !string.Equals(Fingerprint(expectedSha256), sha256, StringComparison.Ordinal))
        {
            throw new PlanMismatchException($"The public key served has SHA-256 {sha256}, not the owner's {expectedSha256}: refusing to encrypt under it.");
        }

        var context = PlanContext.Create(plan);
        var key = new PublicKey();
        try
        {
            using var stream = new MemoryStream(publicKey, writable: false);
            key.Load(context, stream);
            return new PublicKeyEncryptor(plan, context, key, sha256);
        }
        catch (SealException e)
        {
            key.Dispose();
            throw new PlanMismatchException($"The dataset's public key is not a public key for its plan's parameters: {e.Message}", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes <paramref name="slots"/> at the plan's scale and encrypts them with the public key; returns the SEAL
    /// serialization, uncompressed (a public-key ciphertext has no seeded form: both polynomials are sent).
    /// </summary>
    public byte[] Encrypt(ReadOnlySpan<double> slots)
    {
        if (slots.Length > SlotCount)
        {
            throw new ArgumentException($"{slots.Length} values do not fit in {SlotCount} slots.", nameof(slots));
        }

        using var plain = new Plaintext();
        _encoder.Encode(slots, _context.FirstParmsId, Plan.Parameters.Scale, plain);
        using var encrypted = new Ciphertext();
        _encryptor.Encrypt(plain, encrypted);
        using var stream = new MemoryStream();
        encrypted.Save(stream, CompressionMode.None);
        return stream.ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _publicKey.Dispose();
    }

    private static string Fingerprint(string hex)
    {
        var trimmed = hex.Trim();
        if (trimmed.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed["sha256:".Length..];
        }

        return trimmed.ToLowerInvariant();
    }
}
