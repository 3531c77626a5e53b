using System.Globalization;
using System.Threading.RateLimiting;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Options;
using HeCompute.Server.Telemetry;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Per-API-key rate limits (ASP.NET Core rate limiting): one token bucket per caller and policy, the caller being the
/// authenticated key id, or the remote address for a request without a valid key. Heavy endpoints (named in
/// <see cref="HeavyEndpoints"/>) draw on the stricter <c>Heavy</c> bucket only, every other endpoint on the
/// <c>Default</c> bucket; endpoints marked <c>DisableRateLimiting</c> (health, OpenAPI) on none. A refused request gets
/// 429 <c>rate-limited</c> with <c>Retry-After</c> at once, and counts in <c>hecompute.ratelimit.rejected</c> by policy.
/// </summary>
public static class RateLimits
{
    /// <summary>The policy of ordinary endpoints (a metrics tag).</summary>
    public const string DefaultPolicy = "default";

    /// <summary>The policy of heavy endpoints (a metrics tag).</summary>
    public const string HeavyPolicy = "heavy";

    /// <summary>
    /// The endpoints (by name) whose every call starts homomorphic work or stores a large upload: predictions, uploads
    /// of models, key sets and dataset batches, and job submissions. Classified here, by name, so the endpoint
    /// declarations stay as they are; a test checks every name still belongs to an endpoint.
    /// </summary>
    public static readonly IReadOnlySet<string> HeavyEndpoints = new HashSet<string>(StringComparer.Ordinal)
    {
        "predict.create",
        "predict.jobs.create",
        "models.create",
        "models.create-onnx",
        "keysets.create",
        "datasets.batches.append",
        "datasets.statistics",
    };

    /// <summary>Adds the limiter, read from <c>HeCompute:RateLimits</c>.</summary>
    public static IServiceCollection AddHeComputeRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<HeComputeServerOptions>, HeComputeMetrics>((limiter, server, metrics) =>
        {
            var limits = server.Value.RateLimits;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (string Policy, string Caller)>(context =>
            {
                if (!limits.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter((DefaultPolicy, ""));
                }

                var policy = PolicyOf(context);
                var bucket = policy == HeavyPolicy ? limits.Heavy : limits.Default;
                return RateLimitPartition.GetTokenBucketLimiter((policy, CallerOf(context)), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = bucket.PermitLimit,
                    TokensPerPeriod = bucket.TokensPerPeriod,
                    ReplenishmentPeriod = bucket.ReplenishmentPeriod,
                    QueueLimit = bucket.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var policy = PolicyOf(context);
                metrics.RecordRateLimited(policy);
                var bucket = policy == HeavyPolicy ? limits.Heavy : limits.Default;
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : bucket.ReplenishmentPeriod;
                var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var error = DomainErrors.RateLimited(
                    $"This API key exceeded its {policy} rate limit ({bucket.PermitLimit} requests, refilled by {bucket.TokensPerPeriod} every " +
                    $"{bucket.ReplenishmentPeriod.TotalSeconds:0.###} s). Retry after {seconds} s.");
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = ProblemMapper.ToProblemDetails(error) })
                    .ConfigureAwait(false);
            };
        });
        return services;
    }

    /// <summary>The policy a request is limited by.</summary>
    private static string PolicyOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>() is { } name && HeavyEndpoints.Contains(name.EndpointName)
            ? HeavyPolicy
            : DefaultPolicy;

    /// <summary>Whose bucket a request draws on: its API key, or its remote address when it has none.</summary>
    private static string CallerOf(HttpContext context) =>
        context.User.GetKeyId() is { } keyId
            ? "key:" + keyId
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
