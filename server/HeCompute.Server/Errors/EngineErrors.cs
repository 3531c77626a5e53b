using HeCompute.Lattice;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Server.Errors;

/// <summary>Translates the engine's <see cref="SealException"/> subclasses into domain errors (all refusals of the client's input).</summary>
public static class EngineErrors
{
    /// <summary>The domain error for an engine error, with the engine's message as detail (prefixed by <paramref name="context"/>).</summary>
    public static DomainException From(SealException exception, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var detail = context is null ? exception.Message : $"{context}: {exception.Message}";
        return exception switch
        {
            InvalidParametersException { Error: ParameterError.InvalidParametersInsecure } => DomainErrors.Parameters(insecure: true, detail, exception),
            InvalidParametersException => DomainErrors.Parameters(insecure: false, detail, exception),
            SealFormatException => new DomainException(DomainErrorKind.MalformedSealObject, "Not a well-formed SEAL object", detail, exception),
            SealCompressionException => new DomainException(DomainErrorKind.MalformedSealObject, "Not a well-formed SEAL object (compression)", detail, exception),
            ParmsIdMismatchException => DomainErrors.ParmsMismatch("Object belongs to other encryption parameters", detail, exception),
            ScaleMismatchException => DomainErrors.InvalidOperand("Scale mismatch", detail, exception),
            InvalidOperandException => DomainErrors.InvalidOperand("Invalid operand", detail, exception),
            MissingKeyException => DomainErrors.MissingKey(detail, exception),
            _ => new DomainException(DomainErrorKind.Malformed, "The homomorphic engine refused the input", detail, exception),
        };
    }

    /// <summary>The domain error for parameters that did not validate (<see cref="Parameters.Validate"/>).</summary>
    public static DomainException FromParameterError(ParameterError error, string message) =>
        DomainErrors.Parameters(error == ParameterError.InvalidParametersInsecure, message);
}
