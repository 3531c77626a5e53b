namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// The flooding ("smudging") noise every decryption share carries: a rounded Gaussian of standard deviation σ added to
/// each coefficient, so that the released ciphertext's noise is dominated by fresh noise and says next to nothing about
/// the ciphertext's own noise, which depends on the parties' secrets.
/// </summary>
/// <remarks>
/// <para>The bound used: if the decrypted ciphertext's noise polynomial c has ℓ2 norm ‖c‖ (in the coefficient
/// embedding), the Kullback–Leibler divergence between c + e and e, for e Gaussian of standard deviation σ on every
/// coefficient, is ‖c‖² / (2σ²); Pinsker's inequality turns it into a statistical distance of at most ‖c‖ / (2σ).
/// KL divergences of independent releases add, so Q releases under the same secrets are within √Q·‖c‖ / (2σ).
/// <see cref="ForStatisticalDistance"/> picks σ for a target 2^−κ; <see cref="StatisticalDistanceBound"/> evaluates
/// the bound for a given σ.</para>
/// <para>The price is precision: the released value carries the flooding noise of every active party, a
/// per-coefficient standard deviation of √parties·σ, so each slot's real part has an error of standard deviation
/// <see cref="SlotErrorStandardDeviation"/> = √parties·σ·√(N/2) / scale.</para>
/// </remarks>
public sealed class NoiseFlooding
{
    /// <summary>Largest σ accepted: 8.6σ must fit a 64-bit signed integer with room to spare.</summary>
    public const double MaxSigma = 1L << 52;

    /// <summary>Each flooding coefficient lies within this many σ (the sampler's largest Box–Muller radius, √(106·ln 2)).</summary>
    public static readonly double TailBound = Math.Sqrt(2.0 * 53 * Math.Log(2.0));

    /// <summary>Creates flooding noise of standard deviation <paramref name="sigma"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">σ is below 1 or above <see cref="MaxSigma"/>, or not a number.</exception>
    public NoiseFlooding(double sigma)
    {
        if (!(sigma >= 1.0 && sigma <= MaxSigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The flooding σ is between 1 and 2^52.");
        }

        Sigma = sigma;
    }

    /// <summary>The standard deviation σ of each party's flooding noise, per coefficient.</summary>
    public double Sigma { get; }

    /// <summary>
    /// σ = ‖c‖·2^(κ−1), so that one release of a ciphertext whose noise has ℓ2 norm at most
    /// <paramref name="noiseNorm"/> is within statistical distance 2^−κ of one that carries no ciphertext noise.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The norm is not positive, or the σ it needs is above <see cref="MaxSigma"/>.</exception>
    public static NoiseFlooding ForStatisticalDistance(double noiseNorm, int statisticalBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(noiseNorm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(statisticalBits);
        return new NoiseFlooding(noiseNorm * Math.Pow(2.0, statisticalBits - 1));
    }

    /// <summary>The statistical-distance bound √releases·‖c‖ / (2σ) for ciphertext noise of ℓ2 norm <paramref name="noiseNorm"/>.</summary>
    public double StatisticalDistanceBound(double noiseNorm, int releases = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(noiseNorm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(releases);
        return Math.Sqrt(releases) * noiseNorm / (2.0 * Sigma);
    }

    /// <summary>
    /// Standard deviation of the flooding error in each slot's real (or imaginary) part of a released value:
    /// √parties·σ·√(N/2) / scale, for <paramref name="parties"/> shares at ring degree <paramref name="polyModulusDegree"/>.
    /// </summary>
    public double SlotErrorStandardDeviation(int polyModulusDegree, int parties, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(polyModulusDegree);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parties);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return Math.Sqrt(parties) * Sigma * Math.Sqrt(polyModulusDegree / 2.0) / scale;
    }
}
