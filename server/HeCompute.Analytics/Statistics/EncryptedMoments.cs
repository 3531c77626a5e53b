using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Statistics;

/// <summary>
/// Statistics finished under encryption (<see cref="EncryptedFinishing"/>): slot c holds feature c's value in scaled
/// units (x / scale_c); every other slot is zero. The client multiplies the mean and standard deviation by scale_c
/// and the variance by scale_c².
/// </summary>
/// <param name="Mean">Σ x_c / n.</param>
/// <param name="Variance">Sample variance (n − 1 in the denominator).</param>
/// <param name="StandardDeviation">√variance.</param>
public sealed record EncryptedMoments(Ciphertext Mean, Ciphertext Variance, Ciphertext StandardDeviation);
