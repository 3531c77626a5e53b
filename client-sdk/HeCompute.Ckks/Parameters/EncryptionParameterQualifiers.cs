namespace HeCompute.Ckks;

/// <summary>Why a set of parameters is or is not usable (SEAL's <c>error_type</c>).</summary>
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

/// <summary>Properties of validated parameters (SEALNet's <c>EncryptionParameterQualifiers</c>).</summary>
public sealed class EncryptionParameterQualifiers
{
    internal EncryptionParameterQualifiers(ParameterError error, SecLevelType secLevel, bool descending)
    {
        ParameterError = error;
        SecLevel = secLevel;
        UsingDescendingModulusChain = descending;
    }

    /// <summary>The validation outcome.</summary>
    public ParameterError ParameterError { get; }

    /// <summary>Whether the parameters are valid.</summary>
    public bool ParametersSet => ParameterError == ParameterError.Success;

    /// <summary>Always true for valid parameters: X^N + 1 with N a power of two.</summary>
    public bool UsingFFT => ParametersSet;

    /// <summary>Always true for valid parameters: every prime supports the NTT.</summary>
    public bool UsingNTT => ParametersSet;

    /// <summary>BFV/BGV only; always false.</summary>
    public bool UsingBatching => false;

    /// <summary>BFV/BGV only; always false.</summary>
    public bool UsingFastPlainLift => false;

    /// <summary>Whether the primes are in strictly decreasing order.</summary>
    public bool UsingDescendingModulusChain { get; }

    /// <summary>The security level the parameters meet (None if unchecked or insecure).</summary>
    public SecLevelType SecLevel { get; }
}
