using System.Collections.Concurrent;

namespace HeCompute.Lattice.Ring;

/// <summary>
/// Process-wide cache of NTT-domain Galois permutations: entry k of the table for (g, logN) is
/// the source index whose evaluation lands at NTT position k after X -> X^g.
/// </summary>
/// <remarks>
/// A CKKS context uses a handful of Galois elements over and over, so building each table once
/// turns every subsequent permutation into a plain gather.
/// </remarks>
internal static class GaloisPermutationCache
{
    private static readonly ConcurrentDictionary<ulong, int[]> Tables = new();

    /// <summary>Returns the permutation for odd <paramref name="galoisElement"/> &lt; 2^(logN+1).</summary>
    public static int[] Get(uint galoisElement, int logN)
    {
        ulong key = ((ulong)(uint)logN << 32) | galoisElement;
        if (Tables.TryGetValue(key, out int[]? table))
        {
            return table;
        }

        return Tables.GetOrAdd(key, static k => Build((uint)k, (int)(k >> 32)));
    }

    private static int[] Build(uint galoisElement, int logN)
    {
        // Position k holds the evaluation at ψ^(2·bitrev(k)+1). Under X -> X^g that point reads
        // the source polynomial at ψ^((2·bitrev(k)+1)·g mod 2N), an odd exponent 2j+1, which the
        // source stores at position bitrev(j).
        int n = 1 << logN;
        ulong exponentMask = ((ulong)n << 1) - 1;
        var table = new int[n];
        for (int k = 0; k < n; k++)
        {
            ulong exponent = (((ulong)BitReverse.Reverse((uint)k, logN) << 1) | 1) * galoisElement & exponentMask;
            table[k] = (int)BitReverse.Reverse((uint)(exponent >> 1), logN);
        }

        return table;
    }
}
