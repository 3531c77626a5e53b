using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints;
using HeCompute.Server.Options;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>Per-API-key rate limits: the default and heavy buckets, their 429 answers, and what is never limited.</summary>
public sealed class RateLimitTests
{
    private const int DefaultPermits = 10;

    /// <summary>Buckets that never refill during a test, so the count of accepted requests is exact.</summary>
    private static Dictionary<string, string?> Strict => new()
    {
        ["HeCompute:RateLimits:Default:PermitLimit"] = DefaultPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HeCompute:RateLimits:Default:TokensPerPeriod"] = "1",
        ["HeCompute:RateLimits:Default:ReplenishmentPeriod"] = "01:00:00",
        ["HeCompute:RateLimits:Heavy:PermitLimit"] = "1",
        ["HeCompute:RateLimits:Heavy:TokensPerPeriod"] = "1",
        ["HeCompute:RateLimits:Heavy:ReplenishmentPeriod"] = "01:00:00",
    };

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_while_another_key_and_health_are_unaffected()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, Strict);
        using var rejections = new RejectionCounter(factory.Services);
        using var limited = await factory.NewTenantAsync(Roles.Hospital);
        using var other = await factory.NewTenantAsync(Roles.Hospital);

        for (var i = 0; i < DefaultPermits; i++)
        {
            using var allowed = await limited.Http.GetAsync("/v1/me");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using (var refused = await limited.Http.GetAsync("/v1/me"))
        {
            var problem = await Api.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, ProblemTypes.RateLimited);
            Assert.Contains("default rate limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        }

        using (var unaffected = await other.Http.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
        }

        // Health shares the anonymous caller's bucket of 10 but is exempt: 3 × the limit all answer.
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 3 * DefaultPermits; i++)
        {
            using var live = await anonymous.GetAsync(i % 2 == 0 ? "/health/live" : "/health/ready");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // Unauthenticated requests to limited endpoints draw on the remote address's bucket, which health did not touch.
        for (var i = 0; i < DefaultPermits; i++)
        {
            using var unauthorized = await anonymous.GetAsync("/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }

        using (var refused = await anonymous.GetAsync("/v1/me"))
        {
            await Api.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, ProblemTypes.RateLimited);
        }

        Assert.Equal(2, rejections.Of(RateLimits.DefaultPolicy));
        Assert.Equal(0, rejections.Of(RateLimits.HeavyPolicy));
    }

    [Fact]
    public async Task Heavy_endpoints_draw_on_their_own_stricter_bucket()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, Strict);
        using var rejections = new RejectionCounter(factory.Services);
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);

        // The first upload is let through (and refused by the endpoint for its empty body); the second is over the heavy limit.
        using (var first = await tenant.Http.PostAsync("/v1/keysets", EmptyForm()))
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, first.StatusCode);
        }

        using (var second = await tenant.Http.PostAsync("/v1/keysets", EmptyForm()))
        {
            var problem = await Api.AssertProblemAsync(second, HttpStatusCode.TooManyRequests, ProblemTypes.RateLimited);
            Assert.Contains("heavy rate limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(second.Headers.RetryAfter);
        }

        // The default bucket is untouched by heavy calls.
        using (var me = await tenant.Http.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        Assert.Equal(1, rejections.Of(RateLimits.HeavyPolicy));
        Assert.Equal(0, rejections.Of(RateLimits.DefaultPolicy));

        // Every heavy name still belongs to an endpoint (a renamed endpoint would silently fall to the default bucket).
        var names = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Empty(RateLimits.HeavyEndpoints.Except(names));
    }

    [Fact]
    public void Unbuildable_limits_are_refused_on_start()
    {
        var validator = new HeComputeServerOptionsValidator();
        var result = validator.Validate(null, new HeComputeServerOptions
        {
            RateLimits = new RateLimitsOptions
            {
                Heavy = new TokenBucketLimitOptions { PermitLimit = 2, TokensPerPeriod = 5 },
                Default = new TokenBucketLimitOptions { ReplenishmentPeriod = TimeSpan.Zero, QueueLimit = -1 },
            },
        });
        Assert.True(result.Failed);
        Assert.Contains("HeCompute:RateLimits:Heavy: PermitLimit and TokensPerPeriod", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("HeCompute:RateLimits:Default:ReplenishmentPeriod", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("HeCompute:RateLimits:Default:QueueLimit", result.FailureMessage, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent EmptyForm()
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent([]);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "nothing", "nothing.bin");
        return form;
    }

    /// <summary>Rejections the server's own meter recorded, by policy.</summary>
    private sealed class RejectionCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _byPolicy = new(StringComparer.Ordinal);

        public RejectionCounter(IServiceProvider services)
        {
            var meterFactory = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "hecompute.ratelimit.rejected")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "policy")
                    {
                        _byPolicy.AddOrUpdate((string)tag.Value!, value, (_, total) => total + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Of(string policy) => _byPolicy.GetValueOrDefault(policy);

        public void Dispose() => _listener.Dispose();
    }
}
