namespace HeCompute.Lattice;

/// <summary>The encryption parameters are invalid or below the requested security level.</summary>
public sealed class InvalidParametersException : SealException
{
    /// <summary>Creates the exception.</summary>
    public InvalidParametersException(ParameterError error, string message)
        : base($"Encryption parameters are not valid ({error}): {message}") => Error = error;

    /// <summary>Which check failed.</summary>
    public ParameterError Error { get; }
}

/// <summary>An operand belongs to another parameter set or another level than the operation requires.</summary>
public sealed class ParmsIdMismatchException : SealException
{
    /// <summary>Creates the exception.</summary>
    public ParmsIdMismatchException(string message) : base(message)
    {
    }
}

/// <summary>Operands' scales differ, or a scale is out of the range the modulus at that level can hold.</summary>
public sealed class ScaleMismatchException : SealException
{
    /// <summary>Creates the exception.</summary>
    public ScaleMismatchException(string message) : base(message)
    {
    }
}

/// <summary>An operand has the wrong shape: size, NTT form, or transparent result.</summary>
public sealed class InvalidOperandException : SealException
{
    /// <summary>Creates the exception.</summary>
    public InvalidOperandException(string message) : base(message)
    {
    }
}

/// <summary>A required evaluation key (relinearization key or Galois key for a step) is missing.</summary>
public sealed class MissingKeyException : SealException
{
    /// <summary>Creates the exception.</summary>
    public MissingKeyException(string message) : base(message)
    {
    }
}
