using HeCompute.Contracts;

namespace HeCompute.Server.Errors;

/// <summary>Fills in what every problem response carries: a type for each status, the instance (ASP.NET Core adds the trace id).</summary>
public static class ProblemDetailsDefaults
{
    /// <summary>Customizes a problem before it is written.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            problem.Type = TypeFor(problem.Status) ?? problem.Type;
        }

        problem.Instance ??= context.HttpContext.Request.Path;
    }

    /// <summary>The problem type for a status, if the API defines one.</summary>
    public static string? TypeFor(int? status) =>
        status switch
            {
                400 => ProblemTypes.BadRequest,
                401 => ProblemTypes.Unauthorized,
                403 => ProblemTypes.Forbidden,
                404 => ProblemTypes.NotFound,
                405 => ProblemTypes.BadRequest,
                409 => ProblemTypes.Conflict,
                413 => ProblemTypes.PayloadTooLarge,
                414 => ProblemTypes.UriTooLong,
                415 => ProblemTypes.UnsupportedMediaType,
                >= 500 => ProblemTypes.InternalError,
                _ => null,
            };
}
