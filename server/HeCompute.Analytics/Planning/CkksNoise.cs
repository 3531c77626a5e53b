namespace HeCompute.Analytics.Planning;

/// <summary>
/// The CKKS noise model the planner sizes the scale with: bounds on error × Δ that one operation adds to a decrypted
/// slot (divide by the scale for message units).
/// </summary>
/// <remarks>
/// Derivation (ternary secret with about 2N/3 non-zero coefficients, error σ = 3.2): a slot is a sum of N coefficients
/// times roots of unity, so a coefficient error of standard deviation σ_c gives a slot error (real part) of standard
/// deviation σ_c·√(N/2). A public-key encryption of zero has σ_c ≈ σ·√(4N/3) (e₀ + e·u + e₁·s): a slot standard
/// deviation ≈ 2.6·N; a rescale rounds c₀ + c₁·s with σ_c ≈ √(N/18): a slot standard deviation ≈ N/6; key switching
/// adds less than a rescale because the special prime is at least as large as every data prime; the seeded
/// (symmetric) encryptions clients upload have only σ·√(N/2). Both bounds are 7 standard deviations or more (a
/// probability below 2^−38 per slot): <see cref="FreshNoise"/> = 20·N, <see cref="RescaleNoise"/> = 1.5·N.
/// </remarks>
internal static class CkksNoise
{
    /// <summary>
    /// Standard deviations in each bound: the bounds divided by it are at least the standard deviations derived above,
    /// so a Gaussian error of such a deviation exceeds this many of them with probability below 2^−38 per slot.
    /// </summary>
    public const double Tail = 7;

    /// <summary>Bound on error × Δ of a fresh encryption (public-key or symmetric).</summary>
    public static double FreshNoise(int polyModulusDegree) => 20.0 * polyModulusDegree;

    /// <summary>Bound on error × Δ that one rescale or one key switch adds.</summary>
    public static double RescaleNoise(int polyModulusDegree) => 1.5 * polyModulusDegree;
}
