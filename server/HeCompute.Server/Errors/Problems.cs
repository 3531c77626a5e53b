using HeCompute.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeCompute.Server.Errors;

/// <summary>Typed problem results used by the endpoints (through <see cref="ProblemMapper"/>).</summary>
public static class Problems
{
    /// <summary>404 for an id the tenant does not own (identical whether it exists elsewhere or not).</summary>
    public static ProblemHttpResult NotFound(string what) => ProblemMapper.ToResult(new NotFoundException(what));

    /// <summary>409 for an operation the object's state does not allow.</summary>
    public static ProblemHttpResult Conflict(string detail) => ProblemMapper.ToResult(DomainErrors.Conflict(detail));

    /// <summary>400 with per-field errors.</summary>
    public static ValidationProblem Validation(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] }, type: ProblemTypes.Validation, title: "The request is not valid");
}
