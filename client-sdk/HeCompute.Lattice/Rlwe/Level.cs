using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// One level of the modulus chain: its primes, parms_id, position in the chain and neighbours, and the precomputed
/// tables the engine needs at that level.
/// </summary>
public sealed class Level
{
    private readonly ulong[] _primes;

    internal Level(int polyModulusDegree, ulong[] primes, int totalModulusBits, NttTables[] ntt)
    {
        _primes = primes;
        TotalModulusBits = totalModulusBits;
        Ntt = ntt;
        N = polyModulusDegree;
        LogN = System.Numerics.BitOperations.Log2((uint)N);
        ParmsId = ParametersLiteral.ComputeParmsId(N, primes);
        Moduli = new SmallModulus[primes.Length];
        for (var i = 0; i < primes.Length; i++)
        {
            Moduli[i] = new SmallModulus(primes[i]);
        }

        ModuliValues = primes;
        if (Moduli.Length > 1)
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

    /// <summary>The parms_id of this level.</summary>
    public ParmsId ParmsId { get; }

    /// <summary>The ring degree N.</summary>
    public int PolyModulusDegree => N;

    /// <summary>This level's primes, q_0 first; rescaling divides by the last one.</summary>
    public IReadOnlyList<ulong> Primes => _primes;

    /// <summary>Number of primes at this level.</summary>
    public int PrimeCount => _primes.Length;

    /// <summary>Bit count of the product of this level's primes.</summary>
    public int TotalModulusBits { get; }

    /// <summary>Position in the chain: 0 for the last level, increasing towards the key level.</summary>
    public int ChainIndex { get; internal set; }

    /// <summary>The next level (one prime fewer), or null at the end of the chain.</summary>
    public Level? Next { get; internal set; }

    /// <summary>The previous level (one prime more), or null at the key level.</summary>
    public Level? Previous { get; internal set; }

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
