using Microsoft.AspNetCore.Http.Metadata;

namespace HeCompute.Server.Endpoints;

/// <summary>Per-endpoint request body limit, applied by routing before the body is read.</summary>
/// <param name="MaxRequestBodySize">The limit in bytes.</param>
public sealed record RequestSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
