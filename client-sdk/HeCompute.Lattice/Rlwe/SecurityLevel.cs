namespace HeCompute.Lattice.Rlwe;

/// <summary>Security levels of the HomomorphicEncryption.org standard (classical attacks, ternary secret, σ = 3.2).</summary>
public enum SecurityLevel
{
    /// <summary>No security check. For research only: parameters may be insecure.</summary>
    None = 0,

    /// <summary>128-bit classical security (the default and the product's floor).</summary>
    Tc128 = 128,

    /// <summary>192-bit classical security.</summary>
    Tc192 = 192,

    /// <summary>256-bit classical security.</summary>
    Tc256 = 256,
}
