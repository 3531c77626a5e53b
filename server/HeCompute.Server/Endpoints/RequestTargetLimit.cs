using HeCompute.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Refuses a request target (path and query) longer than <see cref="MaxBytes"/> with a 414 problem. Kestrel answers an
/// over-long request line before any middleware runs, with an empty body, so its own limit is set well above this one:
/// only a line beyond <see cref="KestrelRequestLineBytes"/> still gets Kestrel's bare answer.
/// </summary>
public static class RequestTargetLimit
{
    /// <summary>The longest request target the API reads (Kestrel's own default request line limit).</summary>
    public const int MaxBytes = 8 * 1024;

    /// <summary>Kestrel's request line limit, raised so that the app sees the long targets it refuses.</summary>
    public const int KestrelRequestLineBytes = 64 * 1024;

    /// <summary>Adds the check; place it after the exception handler and before authentication.</summary>
    public static IApplicationBuilder UseRequestTargetLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is not null && target.Length > MaxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status414UriTooLong;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status414UriTooLong,
                    Type = ProblemTypes.UriTooLong,
                    Title = "URI too long",
                    Detail = $"The request target is {target.Length} characters long; the server reads at most {MaxBytes}. Send large inputs in the body.",
                },
            }).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });
}
