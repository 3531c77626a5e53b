namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Maps CKKS rotation steps to Galois elements with SEAL's conventions (generator 3, conjugation 2N − 1): rotating the
/// slots left by k is the automorphism X → X^(3^k mod 2N), a right rotation by k is 3^(N/2 − k). Galois keys are
/// indexed by these elements, so a planner and the evaluator must agree on them: this is the one place they are computed.
/// </summary>
public static class GaloisElements
{
    private const ulong Generator = 3;

    /// <summary>
    /// Element for rotating the slot vector left by <paramref name="step"/> (right if negative): 3^step mod 2N, with a
    /// negative step taken as N/2 − |step|. Step 0 is conjugation (2N − 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">|step| is at least N/2.</exception>
    public static uint FromStep(int step, int polyModulusDegree)
    {
        var n = (ulong)polyModulusDegree;
        var m = 2 * n;
        if (step == 0)
        {
            return (uint)(m - 1);
        }

        var magnitude = (ulong)Math.Abs((long)step);
        if (magnitude >= n / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"A rotation step is below N/2 = {n / 2} in magnitude.");
        }

        var exponent = step < 0 ? (n / 2) - magnitude : magnitude;
        var element = 1UL;
        var power = Generator;
        for (var e = exponent; e > 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                element = (element * power) & (m - 1);
            }

            power = (power * power) & (m - 1);
        }

        return (uint)element;
    }

    /// <summary>The elements of a list of steps, in the same order.</summary>
    public static uint[] FromSteps(IReadOnlyList<int> steps, int polyModulusDegree)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var elements = new uint[steps.Count];
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = FromStep(steps[i], polyModulusDegree);
        }

        return elements;
    }

    /// <summary>SEAL's default set: conjugation and ±2^i rotations for i &lt; log2(N) − 1 (the last pair coincides).</summary>
    public static uint[] Default(int polyModulusDegree)
    {
        var m = 2UL * (ulong)polyModulusDegree;
        var logN = System.Numerics.BitOperations.Log2((uint)polyModulusDegree);
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

    /// <summary>How many distinct keys SEAL's default set has.</summary>
    public static int DefaultKeyCount(int polyModulusDegree) => Default(polyModulusDegree).Distinct().Count();

    /// <summary>Checks a Galois element is odd and below 2N.</summary>
    internal static void Validate(uint element, int n)
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
