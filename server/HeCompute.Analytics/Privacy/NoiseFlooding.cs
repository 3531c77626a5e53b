using System.Numerics;
using System.Security.Cryptography;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Privacy;

/// <summary>
/// Noise flooding of results whose decryptions may be shared: the defence against the key-recovery attack on CKKS
/// decryptions (Li &amp; Micciancio, EUROCRYPT 2021), where a decrypted value m + e reveals the secret-dependent
/// circuit noise e and, from a few such values, the secret key.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Apply"/> adds to the result (1) a fresh encryption of zero under the key set's public key, which
/// re-randomises the ciphertext, and (2) a flooding error: independent complex Gaussians of standard deviation σ in
/// every slot, sampled with the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>, Box–Muller on
/// 53-bit uniforms) and encoded at the result's level and scale. The canonical embedding is a scaled isometry, so
/// i.i.d. complex Gaussian slots are i.i.d. Gaussian coefficients: the flooding covers the whole polynomial, not only
/// the slots a client reads. Unused slots therefore hold flooding noise of the same small magnitude instead of an
/// exact zero; they still carry nothing about the data.
/// </para>
/// <para>
/// <b>Size.</b> σ = 2^<see cref="StatisticalSecurityBits"/> × the circuit's noise bound B: the statistical distance
/// between the flooded error and a pure Gaussian is at most about B/σ = 2^−30 per coefficient, the advantage an
/// attacker keeps. A flooded output is within 7σ of the exact value (probability of exceeding it below 2^−38 per
/// slot), so the planner adds <see cref="ExtraScaleBits"/> bits to the scale to keep the precision target.
/// </para>
/// </remarks>
public static class NoiseFlooding
{
    /// <summary>log2 of the ratio of the flooding standard deviation to the circuit's noise bound.</summary>
    public const int StatisticalSecurityBits = 30;

    /// <summary>Bits the planner adds to the scale so 7σ of flooding stays below the precision target: 30 + ⌈log2 7⌉.</summary>
    public const int ExtraScaleBits = StatisticalSecurityBits + 3;

    /// <summary>Multiple of σ that bounds a flooded slot's error (a probability below 2^−38 of exceeding it).</summary>
    public const double TailFactor = 7;

    /// <summary>σ for a circuit whose outputs' noise is bounded by <paramref name="circuitNoiseBound"/> (message units).</summary>
    public static double StandardDeviationFor(double circuitNoiseBound)
    {
        if (!(circuitNoiseBound >= 0) || !double.IsFinite(circuitNoiseBound))
        {
            throw new ArgumentOutOfRangeException(nameof(circuitNoiseBound), circuitNoiseBound, "The noise bound is a finite non-negative number.");
        }

        return circuitNoiseBound * Math.Pow(2, StatisticalSecurityBits);
    }

    /// <summary>Bound on the error flooding with standard deviation σ adds to a slot: 7σ.</summary>
    public static double BoundFor(double standardDeviation) => TailFactor * standardDeviation;

    /// <summary>log2(σ·scale), rounded up: the bits of flooding noise in the scaled plaintext (0 without flooding).</summary>
    public static int Bits(double standardDeviation, double scale) =>
        standardDeviation > 0 ? (int)Math.Ceiling(Math.Log2(standardDeviation * scale)) : 0;

    /// <summary>
    /// A flooded, re-randomised copy of <paramref name="result"/> (same level and scale; the operand is unchanged).
    /// </summary>
    /// <param name="context">The evaluation context of the result's parameters.</param>
    /// <param name="publicKey">The key set's public key.</param>
    /// <param name="result">The result ciphertext, about to be returned.</param>
    /// <param name="standardDeviation">σ in message units, e.g. <c>ModelPlan.FloodingStandardDeviation</c>.</param>
    /// <exception cref="ArgumentException">The public key is not a key of the context, or σ is not positive.</exception>
    public static Ciphertext Apply(EvaluationContext context, PublicKey publicKey, Ciphertext result, double standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(result);
        if (!(standardDeviation > 0) || !double.IsFinite(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The flooding standard deviation is a finite positive number.");
        }

        if (publicKey.ParmsId != context.Parameters.KeyParmsId)
        {
            throw new ArgumentException("The public key does not belong to these parameters.", nameof(publicKey));
        }

        var level = context.LevelOf(result);
        var parmsId = context.ParmsIdAt(level);
        var noise = new Complex[context.SlotCount];
        FillGaussian(noise, standardDeviation);
        var plain = new Plaintext();
        context.Encoder.Encode(noise, parmsId, result.Scale, plain);

        var zero = new Ciphertext();
        new Encryptor(context.Parameters, publicKey).EncryptZero(parmsId, zero);
        zero.Scale = result.Scale;

        var flooded = new Ciphertext();
        context.Evaluator.Add(result, zero, flooded);
        context.Evaluator.AddPlainInplace(flooded, plain);
        return flooded;
    }

    /// <summary>Independent complex Gaussians N(0, σ²) per real and imaginary part, from the CSPRNG.</summary>
    private static void FillGaussian(Complex[] destination, double standardDeviation)
    {
        var words = new ulong[2 * destination.Length];
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
        for (var i = 0; i < destination.Length; i++)
        {
            // Uniforms in (0, 1]: 53 random bits, offset so the logarithm never sees zero.
            var u1 = ((words[2 * i] >> 11) + 1) * (1.0 / (1UL << 53));
            var u2 = (words[(2 * i) + 1] >> 11) * (1.0 / (1UL << 53));
            var radius = standardDeviation * Math.Sqrt(-2 * Math.Log(u1));
            var angle = 2 * Math.PI * u2;
            destination[i] = new Complex(radius * Math.Cos(angle), radius * Math.Sin(angle));
        }

        Array.Clear(words);
    }
}
