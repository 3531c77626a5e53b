using System.Net;

namespace HeCompute.Server.Cluster;

/// <summary>
/// This node's place in the cluster (<c>HeCompute:Cluster</c>). Every node is an Orleans silo co-hosted with the HTTP API.
/// Without <see cref="Redis"/> the node is a cluster of one on loopback (Orleans' localhost clustering): the embedded
/// default, which needs no outside service. With it, the nodes that share <see cref="ServiceId"/> and
/// <see cref="ClusterId"/> find each other through a Redis membership table.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "HeCompute:Cluster";

    /// <summary>The silo port a clustered node uses when none is configured (Orleans' default).</summary>
    public const int DefaultClusteredSiloPort = 11111;

    /// <summary>A StackExchange.Redis connection string (e.g. <c>127.0.0.1:6379</c>) of the membership table; absent: a single node.</summary>
    public string? Redis { get; set; }

    /// <summary>The cluster's id: nodes with the same id (and service id) form one cluster. Default <c>hecompute</c>.</summary>
    public string ClusterId { get; set; } = "hecompute";

    /// <summary>The service's id, stable across deployments of the same service. Default <c>hecompute</c>.</summary>
    public string ServiceId { get; set; } = "hecompute";

    /// <summary>
    /// The silo-to-silo port. 0 (the default): 11111 when clustered; a free loopback port chosen at start on a single
    /// node (nothing else talks to it there, and several single nodes can run side by side).
    /// </summary>
    public int SiloPort { get; set; }

    /// <summary>The port for external Orleans clients; 0 (the default): no gateway (the HTTP API is co-hosted in every silo).</summary>
    public int GatewayPort { get; set; }

    /// <summary>The IP address other silos reach this one at, as stored in the membership table. Default <c>127.0.0.1</c>.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface rather than only <see cref="AdvertisedAddress"/> (behind NAT or in a container).</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>
    /// Orleans' probe period: a silo that misses 3 probes from 2 others is declared dead and its grains re-activate
    /// elsewhere. Default 5 s (Orleans' own).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a call to another silo may take before the caller gives up: a key set's load plus a budgeted prediction.
    /// Default 5 min.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a key set grain stays active, its keys in memory, without a call. Default 1 h.</summary>
    public TimeSpan KeySetIdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether the node joins other nodes (a Redis membership table is configured).</summary>
    public bool IsClustered => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>The advertised address, parsed.</summary>
    /// <exception cref="InvalidOperationException">Not an IP address, or the any-address.</exception>
    public IPAddress ParseAdvertisedAddress()
    {
        if (!IPAddress.TryParse(AdvertisedAddress, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw new InvalidOperationException(
                $"{SectionName}:AdvertisedAddress must be the IP address other nodes reach this one at (not '{AdvertisedAddress}'); " +
                $"set {SectionName}:ListenOnAnyAddress to listen on every interface.");
        }

        return address;
    }
}
