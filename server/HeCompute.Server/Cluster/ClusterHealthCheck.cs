using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HeCompute.Server.Cluster;

/// <summary>Readiness: this silo is an active cluster member; the description lists the active silos.</summary>
public sealed class ClusterHealthCheck(ClusterView cluster) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var active = cluster.ActiveSilos();
        var description = $"{active.Count} active silo{(active.Count == 1 ? "" : "s")}: {string.Join(", ", active)}";
        return Task.FromResult(cluster.IsActive()
            ? HealthCheckResult.Healthy(description)
            : HealthCheckResult.Unhealthy($"This silo ({cluster.Silo}) is not an active member of the cluster; {description}."));
    }
}
