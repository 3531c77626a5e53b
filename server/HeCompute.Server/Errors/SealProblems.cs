using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;

namespace HeCompute.Server.Errors;

/// <summary>Maps the engine's <see cref="SealException"/> subclasses to problem types (all client errors: 400).</summary>
public static class SealProblems
{
    /// <summary>The problem for an engine error, with the engine's message as detail.</summary>
    public static ProblemException From(SealException exception, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (type, title) = exception switch
        {
            InvalidParametersException { Error: ParameterError.InvalidParametersInsecure } =>
                (ProblemTypes.InsecureParameters, "Encryption parameters are below the 128-bit security level"),
            InvalidParametersException => (ProblemTypes.InvalidParameters, "Encryption parameters are not valid"),
            SealFormatException => (ProblemTypes.MalformedSealObject, "Not a well-formed SEAL object"),
            SealCompressionException => (ProblemTypes.MalformedSealObject, "Not a well-formed SEAL object (compression)"),
            ParmsIdMismatchException => (ProblemTypes.ParmsMismatch, "Object belongs to other encryption parameters"),
            ScaleMismatchException => (ProblemTypes.InvalidOperand, "Scale mismatch"),
            InvalidOperandException => (ProblemTypes.InvalidOperand, "Invalid operand"),
            MissingKeyException => (ProblemTypes.MissingKey, "A required evaluation key is missing"),
            _ => (ProblemTypes.BadRequest, "The homomorphic engine refused the input"),
        };
        var detail = context is null ? exception.Message : $"{context}: {exception.Message}";
        return new ProblemException(StatusCodes.Status400BadRequest, type, title, detail, exception);
    }

    /// <summary>The problem for parameters that did not validate (<see cref="Parameters.Validate"/>).</summary>
    public static ProblemException FromParameterError(ParameterError error, string message)
    {
        var insecure = error == ParameterError.InvalidParametersInsecure;
        return new ProblemException(
            StatusCodes.Status400BadRequest,
            insecure ? ProblemTypes.InsecureParameters : ProblemTypes.InvalidParameters,
            insecure ? "Encryption parameters are below the 128-bit security level" : "Encryption parameters are not valid",
            message);
    }
}
