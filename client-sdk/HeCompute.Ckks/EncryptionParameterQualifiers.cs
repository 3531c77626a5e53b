using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>Properties of validated parameters (SEALNet's <c>EncryptionParameterQualifiers</c>).</summary>
public sealed class EncryptionParameterQualifiers : DisposableObject
{
    internal EncryptionParameterQualifiers(ParameterError error, SecLevelType secLevel, bool descending)
    {
        ParameterError = error;
        SecLevel = secLevel;
        UsingDescendingModulusChain = descending;
    }

    /// <summary>The validation outcome (the core's <see cref="Lattice.ParameterError"/>; SEALNet exposes only its name and message).</summary>
    public ParameterError ParameterError { get; }

    /// <summary>Copies qualifiers.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public EncryptionParameterQualifiers(EncryptionParameterQualifiers copy)
        : this((copy ?? throw new ArgumentNullException(nameof(copy))).ParameterError, copy.SecLevel, copy.UsingDescendingModulusChain)
    {
    }

    /// <summary>SEAL's name of the validation outcome, e.g. <c>success</c> or <c>invalid_parameters_insecure</c>.</summary>
    public string ParametersErrorName() => SEALContext.SnakeCase(ParameterError.ToString());

    /// <summary>What the outcome means, in general terms (<see cref="SEALContext.ParameterErrorMessage"/> says which limit the parameters exceeded).</summary>
    public string ParametersErrorMessage() => ParameterError switch
    {
        ParameterError.None => "the parameters have not been validated",
        ParameterError.Success => "valid",
        ParameterError.InvalidScheme => "the scheme is not one this engine computes with (CKKS)",
        ParameterError.InvalidCoeffModulusSize => "coeff_modulus has too few or too many primes",
        ParameterError.InvalidCoeffModulusBitCount => "a prime of coeff_modulus has too few or too many bits",
        ParameterError.InvalidCoeffModulusNoNtt => "a prime of coeff_modulus is not 1 modulo 2 * poly_modulus_degree",
        ParameterError.InvalidPolyModulusDegree => "poly_modulus_degree is too small or too large",
        ParameterError.InvalidPolyModulusDegreeNonPowerOfTwo => "poly_modulus_degree is not a power of two",
        ParameterError.InvalidParametersTooLarge => "the parameters are too large",
        ParameterError.InvalidParametersInsecure => "the parameters exceed the HomomorphicEncryption.org bound for the security level",
        ParameterError.FailedCreatingRnsBase => "the primes do not form an RNS base (a prime repeats)",
        ParameterError.InvalidPlainModulusNonzero => "plain_modulus must be zero for this scheme",
        ParameterError.InvalidCoeffModulusNonPrime => "coeff_modulus has a value that is not prime",
        _ => ParameterError.ToString(),
    };

    /// <summary>Whether the parameters are valid.</summary>
    public bool ParametersSet => ParameterError == ParameterError.Success;

    /// <summary>Always true for valid parameters: X^N + 1 with N a power of two.</summary>
    public bool UsingFFT => ParametersSet;

    /// <summary>Always true for valid parameters: every prime supports the NTT.</summary>
    public bool UsingNTT => ParametersSet;

    /// <summary>Whether slots (and so rotations) are available: true for valid CKKS parameters, as SEAL reports it.</summary>
    public bool UsingBatching => ParametersSet;

    /// <summary>BFV/BGV only; always false.</summary>
    public bool UsingFastPlainLift => false;

    /// <summary>Whether the primes are in strictly decreasing order.</summary>
    public bool UsingDescendingModulusChain { get; }

    /// <summary>The security level the parameters meet (None if unchecked or invalid).</summary>
    public SecLevelType SecLevel { get; }
}
