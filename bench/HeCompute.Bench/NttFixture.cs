using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Ring;

namespace HeCompute.Bench;

/// <summary>
/// One 60-bit prime (SEAL's largest 60-bit prime ≡ 1 mod 2N, the first prime of the CKKS parameter sets), its NTT
/// tables, and one buffer of uniformly random residues per transform, which that transform works on in place.
/// </summary>
/// <remarks>
/// Transforming the same buffer again and again is sound: Forward and Inverse keep values in [0, q), and
/// ForwardLazy accepts and returns values in [0, 4q), so every call sees valid input and the cost of a
/// transform does not depend on the values. Separate buffers keep the lazy output away from the inverse.
/// </remarks>
public sealed class NttFixture
{
    private readonly NttTables _tables;
    private readonly ulong[] _forward;
    private readonly ulong[] _forwardLazy;
    private readonly ulong[] _inverse;

    /// <summary>Builds the tables for ring degree <paramref name="n"/>.</summary>
    public NttFixture(int n)
    {
        var prime = CoeffModulus.Create(n, [60]).Single();
        var modulus = new SmallModulus(prime);
        _tables = new NttTables(System.Numerics.BitOperations.Log2((uint)n), modulus);
        var random = new Random(n);
        _forward = RandomResidues(random, n, prime);
        _forwardLazy = RandomResidues(random, n, prime);
        _inverse = RandomResidues(random, n, prime);
        Prime = prime;
    }

    /// <summary>The prime.</summary>
    public ulong Prime { get; }

    /// <summary>Forward transform, fully reduced output.</summary>
    public void Forward() => _tables.Forward(_forward);

    /// <summary>Forward transform, output in [0, 4q).</summary>
    public void ForwardLazy() => _tables.ForwardLazy(_forwardLazy);

    /// <summary>Inverse transform, including the N^-1 scaling.</summary>
    public void Inverse() => _tables.Inverse(_inverse);

    private static ulong[] RandomResidues(Random random, int n, ulong prime)
    {
        var values = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (ulong)random.NextInt64((long)prime);
        }

        return values;
    }
}
