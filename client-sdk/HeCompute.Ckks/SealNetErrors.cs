using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's exception types for the core's argument errors. SEAL reports a parms_id or scale mismatch, an invalid
/// operand, a missing key and invalid parameters as <c>std::invalid_argument</c>, which SEALNet throws as
/// <see cref="ArgumentException"/>; the core throws its own <see cref="SealException"/> kinds, which this layer wraps
/// (the core's exception is the <see cref="Exception.InnerException"/>, with the same message).
/// </summary>
internal static class SealNetErrors
{
    /// <summary>Runs a core call, throwing the core's argument errors as SEALNet does.</summary>
    internal static void Run(Action call)
    {
        try
        {
            call();
        }
        catch (SealException error) when (IsArgumentError(error))
        {
            throw Wrap(error);
        }
    }

    /// <summary>Runs a core call that returns a value, throwing the core's argument errors as SEALNet does.</summary>
    internal static T Run<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (SealException error) when (IsArgumentError(error))
        {
            throw Wrap(error);
        }
    }

    /// <summary>
    /// Runs an encryption: a missing public or secret key is SEAL's <c>std::logic_error</c>, which SEALNet throws as
    /// <see cref="InvalidOperationException"/>; the other argument errors as <see cref="Run(Action)"/>.
    /// </summary>
    internal static void RunEncryption(Action call)
    {
        try
        {
            Run(call);
        }
        catch (ArgumentException error) when (error.InnerException is MissingKeyException missing)
        {
            throw new InvalidOperationException(missing.Message, missing);
        }
    }

    /// <summary>As <see cref="RunEncryption(Action)"/> for an encryption that returns its result.</summary>
    internal static T RunEncryption<T>(Func<T> call)
    {
        try
        {
            return Run(call);
        }
        catch (ArgumentException error) when (error.InnerException is MissingKeyException missing)
        {
            throw new InvalidOperationException(missing.Message, missing);
        }
    }

    /// <summary>SEALNet's exception for a core argument error, the core's inside.</summary>
    internal static ArgumentException Wrap(SealException error) => new(error.Message, error);

    /// <summary>Whether SEAL reports this kind of error as an invalid argument.</summary>
    internal static bool IsArgumentError(SealException error) =>
        error is ParmsIdMismatchException or ScaleMismatchException or InvalidOperandException or MissingKeyException or InvalidParametersException;
}
