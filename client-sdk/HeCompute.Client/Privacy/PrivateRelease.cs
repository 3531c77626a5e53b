namespace HeCompute.Client.Privacy;

/// <summary>A value released with differential privacy, and everything needed to state the guarantee.</summary>
/// <param name="Value">The released (noisy, clamped, snapped) value.</param>
/// <param name="Mechanism">Laplace or Gaussian.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="Delta">δ (0 for Laplace).</param>
/// <param name="Sensitivity">Δ: the largest change of the statistic between neighbouring datasets.</param>
/// <param name="NoiseScale">Laplace: b = Δ/ε (variance 2b²); Gaussian: σ.</param>
/// <param name="Granularity">Λ: the released value is a multiple of this power of two (the snapping against floating-point attacks).</param>
/// <param name="Lower">The value was clamped to at least this (a data-independent bound on the statistic).</param>
/// <param name="Upper">The value was clamped to at most this.</param>
public sealed record PrivateRelease(
    double Value,
    PrivacyMechanism Mechanism,
    double Epsilon,
    double Delta,
    double Sensitivity,
    double NoiseScale,
    double Granularity,
    double Lower,
    double Upper);
