using HeCompute.Server.Options;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints;

/// <summary>Per-endpoint request body limit, applied by routing before the body is read.</summary>
/// <param name="MaxRequestBodySize">The limit in bytes.</param>
public sealed record RequestSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

/// <summary>The configured limits as endpoint metadata.</summary>
public static class RequestSizeLimits
{
    /// <summary>The limit for JSON bodies (<c>HeCompute:Limits:MaxJsonBodyBytes</c>).</summary>
    public static RequestSizeLimit JsonBodyLimit(this IEndpointRouteBuilder app) =>
        new((app ?? throw new ArgumentNullException(nameof(app))).ServiceProvider.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.Limits.MaxJsonBodyBytes);

    /// <summary>The limit for key set uploads (<c>HeCompute:Limits:MaxKeySetUploadBytes</c>).</summary>
    public static RequestSizeLimit KeySetUploadLimit(this IEndpointRouteBuilder app) =>
        new((app ?? throw new ArgumentNullException(nameof(app))).ServiceProvider.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.Limits.MaxKeySetUploadBytes);
}
