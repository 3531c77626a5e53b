using System.Net;
using HeCompute.Server.Cluster;
using Microsoft.Extensions.Configuration;

namespace HeCompute.Server.Tests.Cluster;

/// <summary>deploy/: the three-node example's settings bind to a cluster of three distinct nodes.</summary>
public sealed class DeployExampleTests
{
    private static string Deploy => Path.Combine(HeCompute.Ckks.Tests.Interop.NodeSeal.RepoRoot, "deploy");

    [Fact]
    public void The_example_nodes_join_one_redis_cluster_each_on_its_own_http_and_silo_port()
    {
        var nodes = new[] { "node-a", "node-b", "node-c" }.Select(Load).ToArray();
        foreach (var (settings, _) in nodes)
        {
            Assert.True(settings.IsClustered);
            Assert.Equal("hecompute-example", settings.ClusterId);
            Assert.Equal(IPAddress.Loopback, settings.ParseAdvertisedAddress());
        }

        Assert.Equal(3, nodes.Select(n => n.Settings.SiloPort).Where(p => p > 0).Distinct().Count());
        foreach (var node in new[] { "node-a", "node-b", "node-c" })
        {
            // Shared storage in PostgreSQL and one master key file on every node: settings the server starts with.
            var options = Configuration(node).GetSection(HeCompute.Server.Options.HeComputeServerOptions.SectionName).Get<HeCompute.Server.Options.HeComputeServerOptions>()!;
            Assert.Equal("postgres", options.Storage.Provider);
            Assert.Equal("/etc/hecompute/master.key", options.AtRest.MasterKeyFile);
            var validation = new HeCompute.Server.Options.HeComputeServerOptionsValidator().Validate(null, options);
            Assert.True(validation.Succeeded, validation.FailureMessage);
        }
        Assert.Equal(3, nodes.Select(n => n.Urls).Distinct().Count());
    }

    /// <summary>A node's configuration as the systemd unit gives it: appsettings.Production.json, then its environment file.</summary>
    private static (ClusterSettings Settings, string Urls) Load(string node)
    {
        var configuration = Configuration(node);
        var settings = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>()!;
        return (settings, configuration["ASPNETCORE_URLS"]!);
    }

    private static IConfiguration Configuration(string node)
    {
        var environment = File.ReadAllLines(Path.Combine(Deploy, node + ".env"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0].Replace("__", ":", StringComparison.Ordinal), pair => (string?)pair[1]);
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Deploy, "appsettings.Production.json"))
            .AddInMemoryCollection(environment)
            .Build();
    }
}
