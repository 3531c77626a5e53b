using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Rlwe;

/// <summary>Decrypts CKKS ciphertexts with the secret key (SEALNet's <c>Decryptor</c>).</summary>
public sealed class Decryptor
{
    private readonly Parameters _parameters;
    private readonly SecretKey _secretKey;

    /// <summary>Creates a decryptor.</summary>
    public Decryptor(Parameters parameters, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _secretKey = SecretKey.RequireOf(parameters, secretKey, nameof(secretKey));
        _parameters = parameters;
    }

    /// <summary>Decrypts to an NTT-form plaintext at the ciphertext's level: c0 + c1·s + c2·s² + ….</summary>
    public void Decrypt(Ciphertext encrypted, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        ArgumentNullException.ThrowIfNull(destination);
        var level = _parameters.ValidateCiphertext(encrypted, nameof(encrypted));
        var n = level.N;
        var k = level.CoeffModulusSize;
        var size = (int)encrypted.Size;
        destination.Resize((ulong)(n * k));
        var s = _secretKey.Data.Data;
        var power = System.Buffers.ArrayPool<ulong>.Shared.Rent(n);
        for (var j = 0; j < k; j++)
        {
            var q = level.Moduli[j];
            var sj = s.Slice(j * n, n);
            var result = destination.Limb(j, n);
            encrypted.Limb(0, j).CopyTo(result);
            sj.CopyTo(power);
            var powerSpan = power.AsSpan(0, n);
            for (var p = 1; p < size; p++)
            {
                PolyArith.MultiplyAddMod(encrypted.Limb(p, j), powerSpan, result, q);
                if (p + 1 < size)
                {
                    PolyArith.MultiplyMod(powerSpan, sj, powerSpan, q);
                }
            }
        }

        power.AsSpan(0, n).Clear();
        System.Buffers.ArrayPool<ulong>.Shared.Return(power);
        destination.ParmsId = encrypted.ParmsId;
        destination.Scale = encrypted.Scale;
    }
}
