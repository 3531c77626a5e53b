using System.Net;

namespace HeCompute.Client.Http;

/// <summary>
/// The server answered with an error: the RFC 7807 problem details it sent (<see cref="Type"/> is one of
/// <see cref="HeCompute.Contracts.ProblemTypes"/>), or what the client could tell when the body was not problem details.
/// </summary>
public sealed class HeComputeApiException : Exception
{
    /// <summary>Creates the exception from a problem.</summary>
    public HeComputeApiException(HttpStatusCode status, string type, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(Compose(status, title, detail))
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>Creates an exception with a message only (status 0, type <c>about:blank</c>).</summary>
    public HeComputeApiException()
        : this((HttpStatusCode)0, "about:blank", "HeCompute API error", null)
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public HeComputeApiException(string message)
        : this((HttpStatusCode)0, "about:blank", message, null)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public HeComputeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Type = "about:blank";
        Title = message;
        Errors = new Dictionary<string, string[]>();
    }

    /// <summary>HTTP status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem type URI.</summary>
    public string Type { get; }

    /// <summary>Short summary of the problem type.</summary>
    public string Title { get; }

    /// <summary>What went wrong with this request.</summary>
    public string? Detail { get; }

    /// <summary>Validation errors by field (problem type <c>validation</c>), empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Compose(HttpStatusCode status, string title, string? detail) =>
        detail is null ? $"{(int)status} {title}" : $"{(int)status} {title}: {detail}";
}
