namespace HeCompute.Client.Keys;

/// <summary>The key store cannot do what was asked: unknown key set, wrong passphrase, altered or unreadable file.</summary>
public sealed class KeyStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KeyStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public KeyStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
