using HeCompute.Server.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace HeCompute.Server.Telemetry;

/// <summary>Registers OpenTelemetry metrics.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>ASP.NET Core request metrics plus the <c>HeCompute.Server</c> meter; console export when configured.</summary>
    public static IServiceCollection AddHeComputeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<HeComputeMetrics>();
        var console = configuration.GetValue<bool>($"{HeComputeServerOptions.SectionName}:Telemetry:ConsoleExporter");
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("HeCompute.Server"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter(HeComputeMetrics.MeterName);
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        return services;
    }
}
