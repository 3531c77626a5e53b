namespace HeCompute.Ckks;

/// <summary>Homomorphic encryption schemes, numbered as Microsoft SEAL numbers them on the wire.</summary>
public enum SchemeType : byte
{
    /// <summary>No scheme set.</summary>
    None = 0,

    /// <summary>Brakerski/Fan-Vercauteren (not implemented by this engine; recognised so SEAL code compiles and contexts report <c>invalid_scheme</c>).</summary>
    BFV = 1,

    /// <summary>Cheon-Kim-Kim-Song approximate arithmetic.</summary>
    CKKS = 2,

    /// <summary>Brakerski-Gentry-Vaikuntanathan (not implemented by this engine).</summary>
    BGV = 3,
}

/// <summary>Security levels of the HomomorphicEncryption.org standard (classical attacks); the core's <see cref="Rlwe.SecurityLevel"/> under SEAL's names.</summary>
public enum SecLevelType
{
    /// <summary>No security check. For research only: parameters may be insecure.</summary>
    None = Rlwe.SecurityLevel.None,

    /// <summary>128-bit classical security (the default and the product's floor).</summary>
    TC128 = Rlwe.SecurityLevel.Tc128,

    /// <summary>192-bit classical security.</summary>
    TC192 = Rlwe.SecurityLevel.Tc192,

    /// <summary>256-bit classical security.</summary>
    TC256 = Rlwe.SecurityLevel.Tc256,
}
