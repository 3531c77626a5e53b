using HeCompute.Client.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="HeComputeClient"/> as a typed HTTP client with the standard resilience pipeline.</summary>
public static class HeComputeClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HeComputeClient"/> with <paramref name="configure"/>d options and the standard resilience
    /// handler, adjusted for this API: only safe methods (GET, HEAD…) are retried, because a retried POST could
    /// duplicate an uploaded key set, a dataset batch or a job; and the attempt timeout is
    /// <see cref="HeComputeClientOptions.AttemptTimeout"/> instead of 10 s, because encrypted predictions take longer.
    /// </summary>
    public static IHttpClientBuilder AddHeComputeClient(this IServiceCollection services, Action<HeComputeClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HeComputeClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "HeComputeClientOptions.BaseAddress must be an absolute URI.")
            .Validate(o => o.CertificatePin is null || IsPin(o.CertificatePin), "HeComputeClientOptions.CertificatePin must be sha256: and 64 hex digits.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.TotalRequestTimeout >= o.AttemptTimeout, "TotalRequestTimeout must be at least AttemptTimeout, and both positive.");
        var builder = services.AddHttpClient<HeComputeClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<HeComputeClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress;

            // The resilience pipeline owns timeouts; HttpClient's own 100 s limit would cut long predictions first.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
        {
            var options = provider.GetRequiredService<IOptions<HeComputeClientOptions>>().Value;
            resilience.Retry.DisableForUnsafeHttpMethods();
            resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = options.TotalRequestTimeout;

            // The circuit breaker's validation requires a sampling window of at least twice the attempt timeout.
            resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2;
        });
        // Inside the resilience handler, so a refused certificate is reported as such and not retried.
        builder.ConfigurePrimaryHttpMessageHandler(provider =>
            Pin(provider) is { } pin ? pin.CreateHandler() : new HttpClientHandler());
        builder.AddHttpMessageHandler(() => new CertificatePin.RefusalHandler());
        return builder;
    }

    private static CertificatePin? Pin(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<HeComputeClientOptions>>().Value.CertificatePin is { } pin ? CertificatePin.Parse(pin) : null;

    private static bool IsPin(string text)
    {
        try
        {
            CertificatePin.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
