namespace HeCompute.Ckks.Rlwe;

/// <summary>Maps CKKS rotation steps to Galois elements with SEAL's conventions (generator 3, conjugation 2N − 1).</summary>
internal static class GaloisTool
{
    private const ulong Generator = 3;

    /// <summary>
    /// Element for rotating the slot vector left by <paramref name="step"/> (right if negative): 3^step mod 2N, with a
    /// negative step taken as N/2 − |step|. Step 0 is conjugation.
    /// </summary>
    public static uint GetEltFromStep(int step, int n)
    {
        var m = 2UL * (ulong)n;
        if (step == 0)
        {
            return (uint)(m - 1);
        }

        var magnitude = (ulong)Math.Abs((long)step);
        if (magnitude >= (ulong)n / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"A rotation step is below N/2 = {n / 2} in magnitude.");
        }

        var exponent = step < 0 ? ((ulong)n / 2) - magnitude : magnitude;
        var element = 1UL;
        for (var i = 0UL; i < exponent; i++)
        {
            element = (element * Generator) & (m - 1);
        }

        return (uint)element;
    }

    /// <summary>SEAL's default set: conjugation and ±2^i rotations for i &lt; log2(N) − 1.</summary>
    public static uint[] GetEltsAll(int n)
    {
        var m = 2UL * (ulong)n;
        var logN = System.Numerics.BitOperations.Log2((uint)n);
        var elements = new List<uint> { (uint)(m - 1) };
        var positive = Generator;
        var negative = InverseMod(Generator, m);
        for (var i = 0; i < logN - 1; i++)
        {
            elements.Add((uint)positive);
            positive = (positive * positive) & (m - 1);
            elements.Add((uint)negative);
            negative = (negative * negative) & (m - 1);
        }

        return [.. elements];
    }

    /// <summary>Checks a Galois element is odd and below 2N.</summary>
    public static void Validate(uint element, int n)
    {
        if ((element & 1) == 0 || element >= 2UL * (ulong)n)
        {
            throw new ArgumentException($"Galois element {element} is invalid: it is odd and below 2N = {2 * n}.", nameof(element));
        }
    }

    private static ulong InverseMod(ulong value, ulong powerOfTwo)
    {
        // Newton iteration for inverses modulo a power of two: each step doubles the correct low bits.
        var inverse = value;
        for (var i = 0; i < 6; i++)
        {
            inverse *= 2 - (value * inverse);
        }

        return inverse & (powerOfTwo - 1);
    }
}
