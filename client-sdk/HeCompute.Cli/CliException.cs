namespace HeCompute.Cli;

/// <summary>A usage or input error the CLI reports as is (exit code 1).</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
