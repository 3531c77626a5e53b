using HeCompute.Ckks;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// What the search needs to know about a circuit compiled for one ring degree: its depth and output error on
/// candidate parameters, the magnitude of its outputs and the precision asked for.
/// </summary>
/// <param name="DepthOf">Levels the circuit consumes on a context (may depend on the primes and the scale).</param>
/// <param name="NoiseOf">Bound on the CKKS error of an output (message units) on a context deep enough for it.</param>
/// <param name="OutputMagnitude">Bound on |output| in message units (sizes the first prime).</param>
/// <param name="TargetBits">Bits of absolute precision asked for: the error bound must stay below 2^−bits.</param>
/// <param name="ExtraScaleBits">Bits of error bound kept free on top of the target (noise flooding).</param>
internal sealed record CircuitRequirements(
    Func<EvaluationContext, int> DepthOf,
    Func<EvaluationContext, double> NoiseOf,
    double OutputMagnitude,
    int TargetBits,
    int ExtraScaleBits);

/// <summary>
/// The parameter search shared by the planners: for one ring degree, the fewest primes (depth data primes of the
/// scale's size, a first prime with room for the outputs, one special prime) and the smallest scale meeting the
/// precision target, if they fit SEAL's 128-bit bound on the total modulus bits.
/// </summary>
internal static class ParameterSearch
{
    /// <summary>Largest prime (and scale) bit size SEAL allows.</summary>
    public const int MaxBits = 60;

    /// <summary>
    /// The choice for ring degree <paramref name="n"/>, or null when the 128-bit bound (or the supply of primes of the
    /// needed sizes) rules it out.
    /// </summary>
    /// <exception cref="PlanningLimitException">The target needs a scale or first prime above 60 bits.</exception>
    public static ParameterChoice? TryRing(int n, CircuitRequirements circuit)
    {
        var maxBits = CoeffModulus.MaxBitCount((ulong)n, SecLevelType.TC128);
        var allowed = Math.Pow(2, -(circuit.TargetBits + circuit.ExtraScaleBits));
        var depth = 1;

        // A fresh encryption's error alone: no scale below this can meet the target.
        var scaleBits = (int)Math.Ceiling(Math.Log2(CkksNoise.FreshNoise(n) / allowed));
        for (var guard = 0; guard < 256; guard++)
        {
            if (scaleBits > MaxBits)
            {
                throw new PlanningLimitException(
                    $"{circuit.TargetBits} bits of precision{(circuit.ExtraScaleBits > 0 ? $" plus {circuit.ExtraScaleBits} bits for noise flooding" : "")} need a scale above 2^{MaxBits} at N = {n}; SEAL's primes have at most {MaxBits} bits. Ask for fewer bits.");
            }

            var integerBits = Math.Max(1, (int)Math.Ceiling(Math.Log2(circuit.OutputMagnitude + 1)) + 1);
            var firstBits = scaleBits + integerBits;
            if (firstBits > MaxBits)
            {
                throw new PlanningLimitException(
                    $"Outputs up to {circuit.OutputMagnitude:G4} at a {scaleBits}-bit scale need a {firstBits}-bit first prime; SEAL's primes have at most {MaxBits} bits. Lower the precision or the outputs' magnitude.");
            }

            var bits = new int[depth + 2];
            bits[0] = firstBits;
            Array.Fill(bits, scaleBits, 1, depth);
            bits[^1] = firstBits;
            if (bits.Sum() > maxBits)
            {
                return null;
            }

            var parameters = Create(n, bits);
            if (parameters is null)
            {
                scaleBits++;
                continue;
            }

            var context = new SEALContext(parameters);
            if (!context.ParametersSet())
            {
                return null;
            }

            var evaluation = new EvaluationContext(context, Math.Pow(2, scaleBits));
            var needed = circuit.DepthOf(evaluation);
            if (needed > depth)
            {
                depth = needed;
                continue;
            }

            var noise = circuit.NoiseOf(evaluation);
            if (noise <= allowed)
            {
                return new ParameterChoice(parameters, evaluation, bits, scaleBits, needed, depth, noise);
            }

            // error × Δ barely depends on Δ: jump to the scale that should fit, at least one bit up.
            scaleBits = Math.Max(scaleBits + 1, (int)Math.Ceiling(Math.Log2(noise * evaluation.DefaultScale / allowed)));
        }

        throw new InvalidOperationException("The parameter search did not settle.");
    }

    /// <summary>The parameters for these bit sizes, or null when there are not enough primes of a size for this N.</summary>
    private static EncryptionParameters? Create(int n, int[] bits)
    {
        IEnumerable<Modulus> primes;
        try
        {
            primes = CoeffModulus.Create((ulong)n, bits);
        }
        catch (ArgumentException)
        {
            return null;
        }

        return new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = (ulong)n, CoeffModulus = primes };
    }
}
