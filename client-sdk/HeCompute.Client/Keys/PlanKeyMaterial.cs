using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Keys;

/// <summary>
/// A fresh secret key for a plan and the evaluation keys derived from it: the public key, relinearization keys only if
/// the plan multiplies ciphertexts, and Galois keys for exactly the plan's Galois elements (not SEAL's default set of
/// every power-of-two step). The evaluation keys are serialized in seeded form, ready to upload; the secret key never
/// leaves this object except through <see cref="KeyStore"/>, which encrypts it.
/// </summary>
public sealed class PlanKeyMaterial : IDisposable
{

    private PlanKeyMaterial(PlanDocument plan, Parameters context, SecretKey secretKey, byte[] parmsBytes, byte[] publicKey, byte[]? relinKeys, byte[]? galoisKeys)
    {
        Plan = plan;
        Context = context;
        SecretKey = secretKey;
        ParmsBytes = parmsBytes;
        PublicKeyBytes = publicKey;
        RelinKeysBytes = relinKeys;
        GaloisKeysBytes = galoisKeys;
    }

    /// <summary>The plan the keys follow.</summary>
    public PlanDocument Plan { get; }

    /// <summary>The context of the plan's parameters.</summary>
    public Parameters Context { get; }

    /// <summary>The encryption parameters (SEAL format).</summary>
    public byte[] ParmsBytes { get; }

    /// <summary>The public key (SEAL format; SEAL has no seeded form for it).</summary>
    public byte[] PublicKeyBytes { get; }

    /// <summary>Relinearization keys in seeded form, or null when the plan does not multiply ciphertexts.</summary>
    public byte[]? RelinKeysBytes { get; }

    /// <summary>Galois keys for the plan's elements in seeded form, or null when the plan does not rotate.</summary>
    public byte[]? GaloisKeysBytes { get; }

    /// <summary>Total bytes of the evaluation material to upload.</summary>
    public long UploadBytes => ParmsBytes.Length + PublicKeyBytes.Length + (RelinKeysBytes?.Length ?? 0) + (GaloisKeysBytes?.Length ?? 0);

    internal SecretKey SecretKey { get; }

    /// <summary>Generates a new secret key and the plan's evaluation keys.</summary>
    /// <exception cref="PlanMismatchException">The plan's parameters or keys are inconsistent or insecure.</exception>
    public static PlanKeyMaterial Generate(PlanDocument plan, CancellationToken cancellationToken = default)
    {
        var context = PlanContext.Create(plan);
        try
        {
            var elements = CheckedGaloisElements(plan);
            using var generator = new KeyGenerator(context);
            cancellationToken.ThrowIfCancellationRequested();
            var publicKey = generator.CreatePublicKey();
            using (publicKey)
            {
                var publicKeyBytes = Serialize(s => publicKey.Save(s, CompressionMode.None));
                cancellationToken.ThrowIfCancellationRequested();
                byte[]? relin = null;
                if (plan.Keys.RelinearizationKeys)
                {
                    var relinKeys = generator.CreateSeededRelinKeys();
                    relin = Serialize(s => relinKeys.Save(s, CompressionMode.None));
                }

                cancellationToken.ThrowIfCancellationRequested();
                byte[]? galois = null;
                if (elements.Length > 0)
                {
                    var galoisKeys = generator.CreateSeededGaloisKeys(elements);
                    galois = Serialize(s => galoisKeys.Save(s, CompressionMode.None));
                }

                var parmsBytes = Serialize(s => context.Save(s, CompressionMode.None));
                return new PlanKeyMaterial(plan, context, generator.SecretKey, parmsBytes, publicKeyBytes, relin, galois);
            }
        }
        catch
        {
            throw;
        }
    }

    /// <summary>Serializes the secret key (SEAL format) into a buffer the caller must clear.</summary>
    internal byte[] ExportSecretKey()
    {
        // Written into an exact-size array (not a growing MemoryStream) so no stray copy of the key is left behind.
        var buffer = new byte[SecretKey.SaveSize(CompressionMode.None)];
        using var stream = new MemoryStream(buffer, writable: true);
        var written = SecretKey.Save(stream, CompressionMode.None);
        if (written != buffer.Length)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
            throw new InvalidOperationException($"The secret key serialized to {written} bytes, not the {buffer.Length} announced.");
        }

        return buffer;
    }

    /// <summary>
    /// The plan's Galois elements, after checking each is the element of the corresponding step (3^step mod 2N, a
    /// negative step taken as N/2 − |step|), so a plan cannot ask for keys other than those its steps need.
    /// </summary>
    internal static uint[] CheckedGaloisElements(PlanDocument plan)
    {
        var steps = plan.Keys.GaloisSteps;
        var elements = plan.Keys.GaloisElements;
        if (steps.Count != elements.Count)
        {
            throw new PlanMismatchException($"The plan lists {steps.Count} Galois steps but {elements.Count} Galois elements.");
        }

        var n = (ulong)plan.Parameters.PolyModulusDegree;
        var slots = (long)(n / 2);
        var result = new uint[elements.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step == 0 || step > slots / 2 || step <= -slots / 2)
            {
                throw new PlanMismatchException($"Galois step {step} is not canonical for {slots} slots (non-zero, in (−slots/2, slots/2]).");
            }

            var exponent = step > 0 ? (ulong)step : (ulong)(slots + step);
            var expected = PowMod(3, exponent, 2 * n);
            if (expected != elements[i])
            {
                throw new PlanMismatchException($"Galois element {elements[i]} is not the element of step {step} ({expected}).");
            }

            result[i] = elements[i];
        }

        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        SecretKey.Dispose();
    }

    private static ulong PowMod(ulong b, ulong e, ulong m)
    {
        ulong result = 1;
        b %= m;
        while (e > 0)
        {
            if ((e & 1) == 1)
            {
                result = (ulong)((UInt128)result * b % m);
            }

            b = (ulong)((UInt128)b * b % m);
            e >>= 1;
        }

        return result;
    }

    private static byte[] Serialize(Action<Stream> save)
    {
        using var stream = new MemoryStream();
        save(stream);
        return stream.ToArray();
    }
}
