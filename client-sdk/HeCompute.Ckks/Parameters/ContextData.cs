using HeCompute.Ckks.Ring;

namespace HeCompute.Ckks;

/// <summary>
/// One level of the modulus chain: its parameters, parms_id, and the precomputed tables the engine needs at that
/// level (SEALNet's <c>SEALContext.ContextData</c>).
/// </summary>
public sealed class ContextData
{
    internal ContextData(EncryptionParameters parms, EncryptionParameterQualifiers qualifiers, int totalBitCount, NttTables[] ntt)
    {
        Parms = parms;
        Qualifiers = qualifiers;
        TotalCoeffModulusBitCount = totalBitCount;
        Ntt = ntt;
        N = (int)parms.PolyModulusDegree;
        LogN = N == 0 ? 0 : System.Numerics.BitOperations.Log2((uint)N);
        var primes = parms.CoeffModulusSpan;
        Moduli = new SmallModulus[primes.Length];
        for (var i = 0; i < primes.Length; i++)
        {
            Moduli[i] = new SmallModulus(primes[i].Value);
        }

        ModuliValues = new ulong[primes.Length];
        for (var i = 0; i < primes.Length; i++)
        {
            ModuliValues[i] = primes[i].Value;
        }

        if (Moduli.Length > 1 && qualifiers.ParametersSet)
        {
            var last = Moduli[^1];
            InvLastModulus = new ulong[Moduli.Length - 1];
            InvLastModulusShoup = new ulong[Moduli.Length - 1];
            for (var i = 0; i < InvLastModulus.Length; i++)
            {
                InvLastModulus[i] = ModArith.Inverse(Moduli[i].Reduce(last.Value), Moduli[i]);
                InvLastModulusShoup[i] = ModArith.ShoupPrecompute(InvLastModulus[i], Moduli[i]);
            }
        }
        else
        {
            InvLastModulus = [];
            InvLastModulusShoup = [];
        }
    }

    /// <summary>The parameters of this level.</summary>
    public EncryptionParameters Parms { get; }

    /// <summary>The parms_id of this level.</summary>
    public ParmsId ParmsId => Parms.ParmsId;

    /// <summary>Validation outcome and properties.</summary>
    public EncryptionParameterQualifiers Qualifiers { get; }

    /// <summary>Bit count of the product of this level's primes.</summary>
    public int TotalCoeffModulusBitCount { get; }

    /// <summary>Position in the chain: 0 for the last level, increasing towards the key level.</summary>
    public ulong ChainIndex { get; internal set; }

    /// <summary>The next level (one prime fewer), or null at the end of the chain.</summary>
    public ContextData? NextContextData { get; internal set; }

    /// <summary>The previous level (one prime more), or null at the key level.</summary>
    public ContextData? PrevContextData { get; internal set; }

    internal int N { get; }

    internal int LogN { get; }

    internal int CoeffModulusSize => Moduli.Length;

    internal SmallModulus[] Moduli { get; }

    internal ulong[] ModuliValues { get; }

    internal NttTables[] Ntt { get; }

    /// <summary>q_last^-1 mod q_i for every other prime i: the rescale (divide-and-round by q_last) constants.</summary>
    internal ulong[] InvLastModulus { get; }

    internal ulong[] InvLastModulusShoup { get; }

    /// <summary>P^-1 mod q_i for the special prime P: the key-switching mod-down constants (empty without key switching).</summary>
    internal ulong[] InvSpecialModulus { get; private set; } = [];

    internal void SetSpecialModulus(SmallModulus special)
    {
        var inverses = new ulong[Moduli.Length];
        for (var i = 0; i < inverses.Length; i++)
        {
            inverses[i] = ModArith.Inverse(Moduli[i].Reduce(special.Value), Moduli[i]);
        }

        InvSpecialModulus = inverses;
    }
}
