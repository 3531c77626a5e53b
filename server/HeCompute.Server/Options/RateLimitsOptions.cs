namespace HeCompute.Server.Options;

/// <summary>
/// Request rate limits (<c>HeCompute:RateLimits</c>): a token bucket per API key (per remote address for requests
/// without one), one for ordinary endpoints and a stricter one for the heavy endpoints (predictions, uploads and job
/// submissions). Health and OpenAPI are never limited.
/// </summary>
public sealed class RateLimitsOptions
{
    /// <summary>Whether requests are limited at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every limited endpoint that is not heavy. Default: bursts of 200, 100 requests a second sustained.</summary>
    public TokenBucketLimitOptions Default { get; set; } = new() { PermitLimit = 200, TokensPerPeriod = 100, ReplenishmentPeriod = TimeSpan.FromSeconds(1) };

    /// <summary>Predictions, uploads and job submissions. Default: bursts of 40, 10 requests a second sustained.</summary>
    public TokenBucketLimitOptions Heavy { get; set; } = new() { PermitLimit = 40, TokensPerPeriod = 10, ReplenishmentPeriod = TimeSpan.FromSeconds(1) };
}

/// <summary>One token bucket: how many requests may come at once, how fast that allowance refills, and how many may wait for it.</summary>
public sealed class TokenBucketLimitOptions
{
    /// <summary>The bucket's size: requests one caller may make in a burst.</summary>
    public int PermitLimit { get; set; } = 100;

    /// <summary>Requests given back every <see cref="ReplenishmentPeriod"/>.</summary>
    public int TokensPerPeriod { get; set; } = 50;

    /// <summary>How often the bucket refills by <see cref="TokensPerPeriod"/>.</summary>
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests over the limit that wait for a token instead of being refused at once. Default 0: refused at once.</summary>
    public int QueueLimit { get; set; }
}

/// <summary>The checks of <see cref="RateLimitsOptions"/>, run with the server's other options at start.</summary>
internal static class RateLimitsOptionsValidator
{
    /// <summary>Adds an error for every policy that cannot be built.</summary>
    public static void Validate(RateLimitsOptions options, List<string> errors)
    {
        Validate("Default", options.Default, errors);
        Validate("Heavy", options.Heavy, errors);
    }

    private static void Validate(string name, TokenBucketLimitOptions? limit, List<string> errors)
    {
        if (limit is null)
        {
            errors.Add($"HeCompute:RateLimits:{name} must be set.");
            return;
        }

        if (limit.PermitLimit < 1 || limit.TokensPerPeriod < 1 || limit.TokensPerPeriod > limit.PermitLimit)
        {
            errors.Add($"HeCompute:RateLimits:{name}: PermitLimit and TokensPerPeriod must be at least 1, and TokensPerPeriod at most PermitLimit.");
        }

        if (limit.ReplenishmentPeriod < TimeSpan.FromMilliseconds(1) || limit.ReplenishmentPeriod > TimeSpan.FromHours(1))
        {
            errors.Add($"HeCompute:RateLimits:{name}:ReplenishmentPeriod must be between 1 ms and 1 hour.");
        }

        if (limit.QueueLimit is < 0 or > 10_000)
        {
            errors.Add($"HeCompute:RateLimits:{name}:QueueLimit must be between 0 and 10000.");
        }
    }
}
