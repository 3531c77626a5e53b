using System.Net;
using System.Net.Sockets;
using HeCompute.Server.KeySets;
using HeCompute.Server.Predictions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Serialization;
using StackExchange.Redis;

namespace HeCompute.Server.Cluster;

/// <summary>Makes the node an Orleans silo, co-hosted with the HTTP API, and places key sets on grains.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Hosts a silo configured from <c>HeCompute:Cluster</c> (<see cref="ClusterSettings"/>): localhost clustering
    /// for a single node, Redis membership for several; key set grains, the grain-aware key source, the prediction
    /// placement, per-silo metrics and the <c>cluster</c> readiness check.
    /// </summary>
    public static WebApplicationBuilder AddHeComputeCluster(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(ClusterSettings.SectionName);
        var settings = section.Get<ClusterSettings>() ?? new ClusterSettings();
        builder.Services.AddOptions<ClusterSettings>().BindConfiguration(ClusterSettings.SectionName);
        builder.UseOrleans(silo => Configure(silo, settings));

        var services = builder.Services;
        services.AddSingleton<ClusterView>();
        services.AddSingleton<ClusterMetrics>();
        services.AddSingleton<GrainKeySource>();
        // Replaces the plain in-process cache, so the key set grains hear of uploads and deletions.
        services.Replace(ServiceDescriptor.Singleton<IEvaluationKeySource>(provider => provider.GetRequiredService<GrainKeySource>()));
        services.AddSingleton<IPredictionPlacement, KeySetGrainPlacement>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    private static void Configure(ISiloBuilder silo, ClusterSettings settings)
    {
        if (settings.IsClustered)
        {
            var address = settings.ParseAdvertisedAddress();
            var siloPort = settings.SiloPort == 0 ? ClusterSettings.DefaultClusteredSiloPort : settings.SiloPort;
            silo.ConfigureEndpoints(address, siloPort, settings.GatewayPort, settings.ListenOnAnyAddress);
            silo.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(settings.Redis!));
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = settings.ServiceId;
            });
        }
        else
        {
            silo.UseLocalhostClustering(
                settings.SiloPort == 0 ? FreeLoopbackPort() : settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
        }

        silo.Configure<ClusterMembershipOptions>(options => options.ProbeTimeout = settings.ProbeTimeout);
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = settings.CallTimeout);
        silo.Configure<GrainCollectionOptions>(options => options.ClassSpecificCollectionAge[typeof(KeySetGrain).FullName!] = settings.KeySetIdleTimeout);
        // The server's own exceptions cross silos with their type (DomainException also with its kind and title), so a
        // refusal on the key set's silo reaches the HTTP edge as the same problem details.
        silo.Services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("HeCompute"));
    }

    /// <summary>A loopback port free now (the silo binds it moments later; only this process uses it).</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
