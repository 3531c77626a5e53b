namespace HeCompute.Lattice;

/// <summary>Why a parameter literal is or is not usable (SEAL's <c>error_type</c>, same names).</summary>
public enum ParameterError
{
    /// <summary>Not validated yet.</summary>
    None,

    /// <summary>Valid.</summary>
    Success,

    /// <summary>The scheme is not CKKS.</summary>
    InvalidScheme,

    /// <summary>Too few or too many coefficient primes.</summary>
    InvalidCoeffModulusSize,

    /// <summary>A coefficient prime has fewer than 2 or more than 60 bits.</summary>
    InvalidCoeffModulusBitCount,

    /// <summary>A coefficient modulus is not congruent to 1 modulo 2N, so there is no NTT.</summary>
    InvalidCoeffModulusNoNtt,

    /// <summary>The ring degree is out of range.</summary>
    InvalidPolyModulusDegree,

    /// <summary>The ring degree is not a power of two.</summary>
    InvalidPolyModulusDegreeNonPowerOfTwo,

    /// <summary>The parameters are too large to allocate.</summary>
    InvalidParametersTooLarge,

    /// <summary>The total coefficient modulus exceeds the HomomorphicEncryption.org bound for the security level.</summary>
    InvalidParametersInsecure,

    /// <summary>The coefficient primes are not pairwise distinct.</summary>
    FailedCreatingRnsBase,

    /// <summary>A CKKS plain modulus must be zero.</summary>
    InvalidPlainModulusNonzero,

    /// <summary>A coefficient modulus is not prime.</summary>
    InvalidCoeffModulusNonPrime,
}
