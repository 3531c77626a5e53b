namespace HeCompute.Analytics.Planning;

/// <summary>
/// Galois elements of CKKS rotations with SEAL's convention: rotating the slots left by k is the automorphism
/// X → X^(3^k mod 2N), a right rotation by k is 3^(N/2 − k); <c>GaloisKeys</c> index their keys by these elements.
/// </summary>
public static class GaloisElements
{
    /// <summary>The element of a rotation step (|step| &lt; N/2, not 0).</summary>
    public static uint FromStep(int step, int polyModulusDegree)
    {
        var n = (ulong)polyModulusDegree;
        var magnitude = (ulong)Math.Abs((long)step);
        if (step == 0 || magnitude >= n / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"A rotation step is non-zero and below N/2 = {n / 2} in magnitude.");
        }

        var exponent = step < 0 ? (n / 2) - magnitude : magnitude;
        var mask = (2 * n) - 1;
        var element = 1UL;
        var power = 3UL;
        for (var e = exponent; e > 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                element = (element * power) & mask;
            }

            power = (power * power) & mask;
        }

        return (uint)element;
    }

    /// <summary>The elements of a list of steps, in the same order.</summary>
    public static IReadOnlyList<uint> FromSteps(IReadOnlyList<int> steps, int polyModulusDegree)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var elements = new uint[steps.Count];
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = FromStep(steps[i], polyModulusDegree);
        }

        return elements;
    }

    /// <summary>
    /// How many distinct keys SEAL's default <c>CreateGaloisKeys()</c> makes: conjugation and rotations by ±2^i for
    /// i &lt; log2(N) − 1, where the last pair coincides (rotating by N/4 either way is the same automorphism).
    /// </summary>
    public static int DefaultKeyCount(int polyModulusDegree)
    {
        var set = new HashSet<uint> { (uint)((2 * polyModulusDegree) - 1) };
        for (var step = 1; step < polyModulusDegree / 2; step <<= 1)
        {
            set.Add(FromStep(step, polyModulusDegree));
            set.Add(FromStep(-step, polyModulusDegree));
        }

        return set.Count;
    }
}
