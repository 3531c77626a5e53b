using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// Real keys generated once with the engine, as a client would: N = 8192, primes {60, 40, 40, 60}; public,
/// relinearization and Galois keys (steps 1, 2, -1) in full and seeded form; plus a secret key (to check it is refused).
/// </summary>
public sealed class KeyMaterial
{
    private static readonly Lazy<KeyMaterial> SharedInstance = new(() => new KeyMaterial());

    private KeyMaterial()
    {
        var parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        ParmsId = parms.ParmsId.ToString();
        Parms = Save(s => parms.Save(s));
        var context = Parameters.Create(parms);
        using var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var relinKeys = keygen.CreateRelinKeys();
        var galoisKeys = keygen.CreateGaloisKeys(new[] { 1, 2, -1 });
        PublicKeyFull = Save(s => publicKey.Save(s));
        RelinKeysFull = Save(s => relinKeys.Save(s));
        GaloisKeysFull = Save(s => galoisKeys.Save(s));
        GaloisElements = [.. galoisKeys.GaloisElements.Order()];
        PublicKeySeeded = Save(s => keygen.CreateSeededPublicKey().Save(s));
        RelinKeysSeeded = Save(s => keygen.CreateSeededRelinKeys().Save(s));
        GaloisKeysSeeded = Save(s => keygen.CreateSeededGaloisKeys(new[] { 1, 2, -1 }).Save(s));
        using var secret = keygen.SecretKey;
        SecretKey = Save(s => secret.Save(s));

        // Below the 128-bit floor (N = 4096 allows 109 bits): generated with the research-only opt-out.
        var weak = new ParametersLiteral(4096, CoeffModulus.Create(4096, [50, 50, 50]));
        InsecureParms = Save(s => weak.Save(s));
        var weakContext = Parameters.Create(weak with { Security = SecurityLevel.None });
        using var weakKeygen = new KeyGenerator(weakContext);
        var weakPublic = weakKeygen.CreatePublicKey();
        InsecurePublicKey = Save(s => weakPublic.Save(s));
    }

    public static KeyMaterial Shared => SharedInstance.Value;

    public string ParmsId { get; }

    public byte[] Parms { get; }

    public byte[] PublicKeyFull { get; }

    public byte[] RelinKeysFull { get; }

    public byte[] GaloisKeysFull { get; }

    public byte[] PublicKeySeeded { get; }

    public byte[] RelinKeysSeeded { get; }

    public byte[] GaloisKeysSeeded { get; }

    public byte[] SecretKey { get; }

    public uint[] GaloisElements { get; }

    public byte[] InsecureParms { get; }

    public byte[] InsecurePublicKey { get; }

    private static byte[] Save(Action<Stream> save)
    {
        using var stream = new MemoryStream();
        save(stream);
        return stream.ToArray();
    }
}
