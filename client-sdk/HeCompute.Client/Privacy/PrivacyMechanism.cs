namespace HeCompute.Client.Privacy;

/// <summary>The noise a release adds.</summary>
public enum PrivacyMechanism
{
    /// <summary>Laplace noise of scale b = Δ/ε: pure ε-DP (δ = 0).</summary>
    Laplace,

    /// <summary>
    /// The classic Gaussian mechanism (Dwork &amp; Roth 2014, Theorem A.1): σ = Δ·√(2·ln(1.25/δ))/ε, (ε, δ)-DP for ε &lt; 1.
    /// </summary>
    Gaussian,
}
