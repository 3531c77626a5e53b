namespace HeCompute.Server.Errors;

/// <summary>An error that becomes a specific RFC 7807 response (raised deep in request handling).</summary>
public sealed class ProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProblemException(int status, string type, string title, string? detail = null, Exception? innerException = null)
        : base(detail ?? title, innerException)
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
    }

    /// <summary>Creates the exception.</summary>
    public ProblemException()
        : this(StatusCodes.Status500InternalServerError, Contracts.ProblemTypes.InternalError, "Error")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProblemException(string message)
        : this(StatusCodes.Status400BadRequest, Contracts.ProblemTypes.BadRequest, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProblemException(string message, Exception innerException)
        : this(StatusCodes.Status400BadRequest, Contracts.ProblemTypes.BadRequest, message, null, innerException)
    {
    }

    /// <summary>HTTP status.</summary>
    public int Status { get; }

    /// <summary>Problem type URI.</summary>
    public string Type { get; }

    /// <summary>Short, stable summary.</summary>
    public string Title { get; }

    /// <summary>Explanation specific to this occurrence.</summary>
    public string? Detail { get; }
}
