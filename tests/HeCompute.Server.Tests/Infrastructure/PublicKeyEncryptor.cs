using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// A contributor's side of a dataset: no keys of its own, only the plan's parameters and the owner's public key as
/// served by <c>GET /v1/datasets/{id}/public-key</c>.
/// </summary>
public sealed class PublicKeyEncryptor : IDisposable
{
    private readonly ParametersLiteral _parameters;
    private readonly Parameters _context;
    private readonly PublicKey _publicKey;
    private readonly Encoder _encoder;
    private readonly double _scale;

    public PublicKeyEncryptor(PlanDocument plan, byte[] publicKey)
    {
        using (var stream = new MemoryStream(Convert.FromBase64String(plan.Parameters.SealParameters)))
        {
            _parameters = ParametersLiteral.Load(stream);
        }

        _context = Parameters.Create(_parameters);
        _publicKey = new PublicKey();
        using (var stream = new MemoryStream(publicKey))
        {
            _publicKey.Load(_context, stream);
        }

        _encoder = new Encoder(_context);
        _scale = plan.Parameters.Scale;
    }

    public byte[] Encrypt(IReadOnlyList<double> slots)
    {
        using var plain = new Plaintext();
        _encoder.Encode(slots, _scale, plain);
        var encryptor = new Encryptor(_context, _publicKey);
        using var ciphertext = new Ciphertext();
        encryptor.Encrypt(plain, ciphertext);
        return PlanClient.Save(s => ciphertext.Save(s));
    }

    public void Dispose()
    {
        _publicKey.Dispose();
    }
}
