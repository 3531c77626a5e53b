namespace HeCompute.Analytics.Planning;

/// <summary>A precision target or magnitude no SEAL parameters can meet (prime sizes are capped at 60 bits).</summary>
internal sealed class PlanningLimitException : Exception
{
    public PlanningLimitException()
    {
    }

    public PlanningLimitException(string message)
        : base(message)
    {
    }

    public PlanningLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
