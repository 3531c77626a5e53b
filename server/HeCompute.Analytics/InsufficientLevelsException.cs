namespace HeCompute.Analytics;

/// <summary>A block needs more levels (rescales) than the input ciphertext has left.</summary>
public sealed class InsufficientLevelsException : InvalidOperationException
{
    /// <summary>Creates the exception for a block needing <paramref name="needed"/> levels on an input at <paramref name="available"/>.</summary>
    public InsufficientLevelsException(int needed, int available)
        : base($"This computation consumes {needed} level(s) but the input is at level {available}; choose parameters with more primes or a shallower circuit.")
    {
        Needed = needed;
        Available = available;
    }

    /// <summary>Creates the exception with a message.</summary>
    public InsufficientLevelsException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InsufficientLevelsException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InsufficientLevelsException()
    {
    }

    /// <summary>Levels the computation consumes.</summary>
    public int Needed { get; }

    /// <summary>The input's level.</summary>
    public int Available { get; }
}
