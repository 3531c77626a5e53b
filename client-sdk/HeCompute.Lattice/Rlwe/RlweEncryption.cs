using HeCompute.Lattice.Hashing;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Encryptions of zero, the RLWE core shared by public keys, key-switching keys and the Encryptor. Everything is in
/// NTT form; a secret or public key at the key level serves any level because a level's primes are a prefix of the
/// key level's.
/// </summary>
internal static class RlweEncryption
{
    /// <summary>
    /// (c0, c1) = (−(a·s + e), a) with a uniform. a is drawn from a fresh PRNG whose seed is returned, so the result can
    /// be saved in seeded form; SEAL samples a directly in NTT form, and so do we, so the seed expands identically.
    /// </summary>
    public static SeedInfo EncryptZeroSymmetric(SecretKey secretKey, Level level, Ciphertext destination)
    {
        PrepareFresh(destination, level);
        var n = level.N;
        var k = level.CoeffModulusSize;

        Span<ulong> seed = stackalloc ulong[SeedInfo.SeedWords];
        PrngFactory.NewRandomSeed(seed);
        var seedInfo = new SeedInfo(PrngType.Blake2xb, seed);
        using (var publicPrng = PrngFactory.Create(PrngType.Blake2xb, seed))
        {
            UniformSampler.SamplePolyUniform(publicPrng, level.ModuliValues, n, destination.Poly(1));
        }

        seed.Clear();
        Sampler.SampleCenteredBinomial(level.ModuliValues, n, destination.Poly(0));

        var s = secretKey.Data.Data;
        for (var j = 0; j < k; j++)
        {
            var q = level.Moduli[j];
            var c0 = destination.Limb(0, j);
            level.Ntt[j].Forward(c0);
            PolyArith.MultiplyAddMod(s.Slice(j * n, n), destination.Limb(1, j), c0, q);
            PolyArith.NegateMod(c0, c0, q);
        }

        return seedInfo;
    }

    /// <summary>(c0, c1) = (pk0·u + e0, pk1·u + e1) with u ternary and e0, e1 noise.</summary>
    public static void EncryptZeroAsymmetric(PublicKey publicKey, Level level, Ciphertext destination)
    {
        PrepareFresh(destination, level);
        var n = level.N;
        var k = level.CoeffModulusSize;
        var u = System.Buffers.ArrayPool<ulong>.Shared.Rent(n * k);
        try
        {
            var uSpan = u.AsSpan(0, n * k);
            Sampler.SampleTernary(level.ModuliValues, n, uSpan);
            Sampler.SampleCenteredBinomial(level.ModuliValues, n, destination.Poly(0));
            Sampler.SampleCenteredBinomial(level.ModuliValues, n, destination.Poly(1));
            var pk = publicKey.Data;
            for (var j = 0; j < k; j++)
            {
                var q = level.Moduli[j];
                var uj = uSpan.Slice(j * n, n);
                level.Ntt[j].Forward(uj);
                for (var p = 0; p < 2; p++)
                {
                    var c = destination.Limb(p, j);
                    level.Ntt[j].Forward(c);
                    PolyArith.MultiplyAddMod(pk.Limb(p, j), uj, c, q);
                }
            }

            uSpan.Clear();
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(u);
        }
    }

    private static void PrepareFresh(Ciphertext destination, Level level)
    {
        destination.Resize(level, 2);
        destination.IsNTTForm = true;
        destination.Scale = 1.0;
        destination.CorrectionFactor = 1;
    }
}
