using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// The parameter search shared by the planners: for one ring degree, the fewest primes (depth data primes of the
/// scale's size, a first prime with room for the outputs — two when that needs more than 60 bits, as with noise
/// flooding — and one special prime at least as large as every data prime) and the smallest scale meeting the
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
    /// <remarks>
    /// Upward, the scale jumps to where error × Δ / Δ should meet the target (error × Δ mostly does not depend on Δ);
    /// where it does — a polynomial fed inputs just outside its interval at a small scale — the jump can overshoot,
    /// so a bisection between the last scale that failed and the first that met the target finds the smallest.
    /// </remarks>
    /// <exception cref="PlanningLimitException">The target needs a scale or an output modulus beyond SEAL's primes.</exception>
    public static ParameterChoice? TryRing(int n, CircuitRequirements circuit)
    {
        var maxBits = CoeffModulus.MaxBitCount(n, SecurityLevel.Tc128);
        var allowed = Math.Pow(2, -(circuit.TargetBits + circuit.ExtraScaleBits));
        var depth = 1;

        // A fresh encryption's error alone: no smaller scale can meet the target.
        var scaleBits = (int)Math.Ceiling(Math.Log2(CkksNoise.FreshNoise(n) / allowed));
        if (scaleBits > MaxBits)
        {
            throw Limit(circuit, n, double.NaN);
        }

        // failed: a scale known to miss the target; ceiling: the first scale found that meets it (best) or that no
        // longer fits the ring (best null).
        var failed = scaleBits - 1;
        int ceiling;
        ParameterChoice? best = null;
        while (true)
        {
            var attempt = Attempt(n, maxBits, scaleBits, ref depth, circuit);
            if (attempt.Fits is false || (attempt.Choice is { } choice && choice.NoiseBound <= allowed))
            {
                ceiling = scaleBits;
                best = attempt.Choice;
                break;
            }

            failed = scaleBits;
            if (scaleBits == MaxBits)
            {
                throw Limit(circuit, n, attempt.Choice?.NoiseBound ?? double.NaN);
            }

            var target = attempt.Choice is { } tried ? (int)Math.Ceiling(Math.Log2(tried.NoiseBound * tried.Scale / allowed)) : scaleBits + 1;
            scaleBits = Math.Min(MaxBits, Math.Max(scaleBits + 1, target));
        }

        while (ceiling - failed > 1)
        {
            var middle = (failed + ceiling) / 2;
            var attempt = Attempt(n, maxBits, middle, ref depth, circuit);
            if (attempt.Fits is false || (attempt.Choice is { } choice && choice.NoiseBound <= allowed))
            {
                ceiling = middle;
                best = attempt.Choice;
            }
            else
            {
                failed = middle;
            }
        }

        return best;
    }

    /// <summary>
    /// Parameters for one scale, with the depth raised until the circuit fits: Fits false when they exceed the ring's
    /// bound (larger scales will too), Choice null when there are not enough primes of a size.
    /// </summary>
    private static (bool Fits, ParameterChoice? Choice) Attempt(int n, int maxBits, int scaleBits, ref int depth, CircuitRequirements circuit)
    {
        var integerBits = Math.Max(1, (int)Math.Ceiling(Math.Log2(circuit.OutputMagnitude + 1)) + 1);
        var bottomBits = scaleBits + integerBits;
        if (bottomBits > 2 * MaxBits)
        {
            throw new PlanningLimitException(
                $"Outputs up to {circuit.OutputMagnitude:G4} at a {scaleBits}-bit scale need a {bottomBits}-bit output modulus. Lower the precision or the outputs' magnitude.");
        }

        // Outputs that need more than one 60-bit prime keep two at the bottom: the result is left at level 1.
        int[] bottom = bottomBits <= MaxBits ? [bottomBits] : [bottomBits - (bottomBits / 2), bottomBits / 2];
        for (var guard = 0; guard < 64; guard++)
        {
            var bits = new int[depth + bottom.Length + 1];
            bottom.CopyTo(bits, 0);
            Array.Fill(bits, scaleBits, bottom.Length, depth);
            bits[^1] = Math.Max(bottom[0], scaleBits);
            if (bits.Sum() > maxBits)
            {
                return (false, null);
            }

            var literal = Create(n, bits);
            if (literal is null)
            {
                return (true, null);
            }

            if (Parameters.Validate(literal, out _) != ParameterError.Success)
            {
                return (false, null);
            }

            var parameters = Parameters.Create(literal);
            var evaluation = new EvaluationContext(parameters, Math.Pow(2, scaleBits));
            var needed = circuit.DepthOf(evaluation);
            if (needed <= depth)
            {
                return (true, new ParameterChoice(parameters, evaluation, bits, scaleBits, needed, depth + bottom.Length - 1, circuit.NoiseOf(evaluation)));
            }

            depth = needed;
        }

        throw new InvalidOperationException("The circuit's depth did not settle while searching parameters.");
    }

    private static PlanningLimitException Limit(CircuitRequirements circuit, int n, double noise) =>
        new($"{circuit.TargetBits} bits of precision{(circuit.ExtraScaleBits > 0 ? $" plus {circuit.ExtraScaleBits} bits for noise flooding" : "")} need a scale above 2^{MaxBits} at N = {n}{(double.IsNaN(noise) ? "" : $" (error bound {noise:E2} at 2^{MaxBits})")}; SEAL's primes have at most {MaxBits} bits. Ask for fewer bits.");

    /// <summary>The parameters for these bit sizes, or null when there are not enough primes of a size for this N.</summary>
    private static ParametersLiteral? Create(int n, int[] bits)
    {
        try
        {
            return new ParametersLiteral(n, CoeffModulus.Create(n, bits));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
