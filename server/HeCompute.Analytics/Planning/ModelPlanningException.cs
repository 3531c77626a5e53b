namespace HeCompute.Analytics.Planning;

/// <summary>
/// A valid model document that no parameters fit: too deep for N = 32768 at 128-bit security, a precision target
/// beyond SEAL's 60-bit primes, outputs too large for the output modulus, a packing wider than every slot count, or a
/// circuit the evaluator cannot run at any candidate scale.
/// </summary>
public sealed class ModelPlanningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelPlanningException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelPlanningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ModelPlanningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
