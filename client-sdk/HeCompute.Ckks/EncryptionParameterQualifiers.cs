using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>Properties of validated parameters (SEALNet's <c>EncryptionParameterQualifiers</c>).</summary>
public sealed class EncryptionParameterQualifiers
{
    internal EncryptionParameterQualifiers(ParameterError error, SecLevelType secLevel, bool descending)
    {
        ParameterError = error;
        SecLevel = secLevel;
        UsingDescendingModulusChain = descending;
    }

    /// <summary>The validation outcome (the core's <see cref="Lattice.ParameterError"/>; SEALNet exposes only its name and message).</summary>
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

    /// <summary>The security level the parameters meet (None if unchecked or invalid).</summary>
    public SecLevelType SecLevel { get; }
}
