namespace HeCompute.Server.Cluster;

/// <summary>This silo and the cluster's membership as Orleans sees it now.</summary>
public sealed class ClusterView(IClusterMembershipService membership, ILocalSiloDetails silo)
{
    /// <summary>This silo's address (<c>ip:port@generation</c>).</summary>
    public string Silo => silo.SiloAddress.ToParsableString();

    /// <summary>The silos whose status is active, in address order.</summary>
    public IReadOnlyList<string> ActiveSilos() =>
        [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal)];

    /// <summary>Whether this silo is an active member.</summary>
    public bool IsActive() => membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active;
}
