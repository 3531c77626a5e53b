using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Contracts;

namespace HeCompute.Analytics.Planning;

/// <summary>The parts of a <see cref="PlanDocument"/> both planners fill the same way.</summary>
internal static class PlanDocuments
{
    /// <summary>Largest precision target accepted (a 60-bit scale cannot carry more after the noise bits).</summary>
    public const int MaxPrecisionBits = 50;

    public static void CheckPrecision(int bits, Func<string, Exception> error)
    {
        if (bits < 1 || bits > MaxPrecisionBits)
        {
            throw error($"PrecisionBits must be between 1 and {MaxPrecisionBits}, not {bits}.");
        }
    }

    public static PlanParameters Parameters(ParameterChoice choice)
    {
        using var stream = new MemoryStream();
        choice.Parameters.Save(stream, CompressionMode.None);
        return new PlanParameters(
            choice.PolyModulusDegree,
            [.. choice.PrimeBits],
            [.. choice.Parameters.Literal.CoefficientPrimes],
            choice.Scale,
            128,
            choice.Parameters.KeyParmsId.ToString(),
            Convert.ToBase64String(stream.ToArray()));
    }

    public static PlanKeys Keys(ParameterChoice choice, bool relinearization, IReadOnlyList<int> steps) =>
        new(relinearization, [.. steps], [.. GaloisElements.FromSteps(steps, choice.PolyModulusDegree)]);

    /// <summary>Sizes; the input is seeded (symmetric, the key owner's upload) unless contributors encrypt it with the public key.</summary>
    public static PlanSizes Sizes(ParameterChoice choice, bool relinearization, int galoisKeys, bool seededInput)
    {
        var n = choice.PolyModulusDegree;
        var all = choice.PrimeBits.Count;
        var data = all - 1;
        var outputPrimes = choice.DataLevels - choice.Depth + 1;
        return new PlanSizes(
            seededInput ? SealSizes.SeededCiphertext(n, data) : SealSizes.Ciphertext(n, data),
            SealSizes.Ciphertext(n, outputPrimes),
            SealSizes.PublicKey(n, all),
            relinearization ? SealSizes.RelinKeys(n, all) : 0,
            galoisKeys == 0 ? 0 : SealSizes.GaloisKeys(n, all, galoisKeys),
            SealSizes.GaloisKeys(n, all, GaloisElements.DefaultKeyCount(n)));
    }
}
