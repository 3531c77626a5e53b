using System.Security.Cryptography;

namespace HeCompute.Client.Privacy;

/// <summary>
/// Releases decrypted aggregates with differential privacy: the Laplace mechanism (ε-DP) and the classic Gaussian
/// mechanism ((ε, δ)-DP), with sensitivities from the declared bounds (<see cref="Sensitivity"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Randomness.</b> The default instance draws from the operating system's CSPRNG
/// (<see cref="RandomNumberGenerator"/>); uniforms have 53 random bits and are never 0. The constructor taking a
/// <see cref="Random"/> exists for reproducible tests only: a seeded generator gives no privacy.
/// </para>
/// <para>
/// <b>Floating point (Mironov, CCS 2012).</b> Adding textbook floating-point noise leaks through the set of doubles a
/// noisy value can take; the mitigation is Mironov's snapping: the noisy value is clamped to a data-independent range
/// [lower, upper] after rounding to the nearest multiple of Λ, the smallest power of two ≥ the noise scale. For Laplace
/// this is the snapping mechanism, which Mironov proves (1 + 12·B·η)·ε + 2^−49·B/λ-DP (B the clamp bound,
/// η = 2^−53): a negligible loss for |bounds| far below 2^40·λ. For the Gaussian mechanism the same clamp and grid are
/// applied as a mitigation without a separate proof. Rounding adds at most Λ/2 (variance about Λ²/12) to the error.
/// </para>
/// </remarks>
public sealed class DifferentialPrivacy
{
    private readonly Random? _random;

    /// <summary>Releases with noise from the operating system's CSPRNG.</summary>
    public DifferentialPrivacy()
    {
    }

    /// <summary>Releases with noise from <paramref name="random"/>: reproducible, for tests only (no privacy).</summary>
    public DifferentialPrivacy(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

    /// <summary>Releases <paramref name="value"/> with Laplace noise of scale Δ/ε, clamped to [lower, upper] and snapped.</summary>
    /// <exception cref="ArgumentException">ε not finite and positive, Δ not finite and positive, or a bad range.</exception>
    public PrivateRelease Laplace(double value, double sensitivity, double epsilon, double lower, double upper)
    {
        CheckCommon(value, sensitivity, lower, upper);
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be finite and positive.");
        }

        var scale = sensitivity / epsilon;
        var sign = NextUniform() < 0.5 ? -1.0 : 1.0;
        var noise = sign * scale * -Math.Log(NextUniform());
        return Snap(value + noise, PrivacyMechanism.Laplace, epsilon, 0, sensitivity, scale, lower, upper);
    }

    /// <summary>Releases <paramref name="value"/> with Gaussian noise σ = Δ·√(2·ln(1.25/δ))/ε, clamped and snapped.</summary>
    /// <exception cref="ArgumentException">ε outside (0, 1), δ outside (0, 1), Δ not finite and positive, or a bad range.</exception>
    public PrivateRelease Gaussian(double value, double sensitivity, double epsilon, double delta, double lower, double upper)
    {
        CheckCommon(value, sensitivity, lower, upper);
        if (!(epsilon > 0) || !(epsilon < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The classic Gaussian mechanism needs 0 < ε < 1.");
        }

        if (!(delta > 0) || !(delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1) (and should be far below 1/n).");
        }

        var sigma = GaussianSigma(sensitivity, epsilon, delta);
        var noise = sigma * Math.Sqrt(-2 * Math.Log(NextUniform())) * Math.Cos(2 * Math.PI * NextUniform());
        return Snap(value + noise, PrivacyMechanism.Gaussian, epsilon, delta, sensitivity, sigma, lower, upper);
    }

    /// <summary>σ of the classic Gaussian mechanism.</summary>
    public static double GaussianSigma(double sensitivity, double epsilon, double delta) =>
        sensitivity * Math.Sqrt(2 * Math.Log(1.25 / delta)) / epsilon;

    /// <summary>Λ: the smallest power of two ≥ the noise scale.</summary>
    public static double Granularity(double noiseScale) => Math.Pow(2, Math.Ceiling(Math.Log2(noiseScale)));

    private static void CheckCommon(double value, double sensitivity, double lower, double upper)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The value to release must be finite.");
        }

        if (!(sensitivity > 0) || !double.IsFinite(sensitivity))
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "The sensitivity must be finite and positive (a statistic with sensitivity 0 is public: release it as is).");
        }

        if (!double.IsFinite(lower) || !double.IsFinite(upper) || !(lower < upper))
        {
            throw new ArgumentException($"The clamp range must be finite with lower < upper, not [{lower}, {upper}].", nameof(lower));
        }
    }

    private static PrivateRelease Snap(double noisy, PrivacyMechanism mechanism, double epsilon, double delta, double sensitivity, double scale, double lower, double upper)
    {
        var granularity = Granularity(scale);
        var snapped = Math.Round(noisy / granularity, MidpointRounding.ToEven) * granularity;
        return new PrivateRelease(Math.Clamp(snapped, lower, upper), mechanism, epsilon, delta, sensitivity, scale, granularity, lower, upper);
    }

    /// <summary>A uniform in (0, 1]: 53 random bits, offset by one unit so it is never 0.</summary>
    private double NextUniform()
    {
        ulong bits;
        if (_random is null)
        {
            Span<byte> bytes = stackalloc byte[8];
            RandomNumberGenerator.Fill(bytes);
            bits = BitConverter.ToUInt64(bytes);
        }
        else
        {
            // NextInt64 gives 63 random bits; shifted to the top like the CSPRNG's 64.
            bits = (ulong)_random.NextInt64() << 1;
        }

        return ((bits >> 11) + 1) * (1.0 / (1UL << 53));
    }
}
