using HeCompute.Server.Auth;
using HeCompute.Server.Cluster;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints;

/// <summary>This node's view of the cluster and what it holds (global admins): the operator's per-node diagnostic.</summary>
public static class ClusterApi
{
    /// <summary>Maps <c>GET /v1/admin/cluster</c>.</summary>
    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/cluster", Get).WithName("admin.cluster.get").WithTags("Admin")
            .RequireAuthorization(Policies.Admin)
            .WithSummary("This node's silo, the cluster's active silos, and the key set grains, key sets, evaluation memory bytes and job leases this node holds (global admin)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static Ok<ClusterNodeResponse> Get(ClusterView cluster, ClusterMetrics metrics, IOptions<ClusterSettings> settings) =>
        TypedResults.Ok(new ClusterNodeResponse(
            cluster.Silo,
            settings.Value.IsClustered,
            settings.Value.ClusterId,
            cluster.ActiveSilos(),
            metrics.KeySetGrains,
            metrics.KeySetsHeld,
            metrics.BytesHeld,
            metrics.LeaseOwner,
            metrics.JobsRunning,
            metrics.JobsTakenOver));
}

/// <summary>One node of the cluster, as it sees itself.</summary>
/// <param name="Silo">This node's silo address (<c>ip:port@generation</c>).</param>
/// <param name="Clustered">Whether the node shares a membership table with others (false: a single node).</param>
/// <param name="ClusterId">The cluster's id.</param>
/// <param name="ActiveSilos">The silos membership lists as active.</param>
/// <param name="KeySetGrains">Key set grains active on this node.</param>
/// <param name="KeySetsHeld">Key sets whose deserialized keys this node holds.</param>
/// <param name="MemoryBytes">Evaluation memory (keys and encoded plaintexts) this node holds, in bytes.</param>
/// <param name="LeaseOwner">The name this node holds job leases under.</param>
/// <param name="JobsRunning">Jobs this node runs under its lease now.</param>
/// <param name="JobsTakenOver">Jobs this node took over from a node whose lease expired, since it started.</param>
public sealed record ClusterNodeResponse(
    string Silo, bool Clustered, string ClusterId, IReadOnlyList<string> ActiveSilos, int KeySetGrains, int KeySetsHeld, long MemoryBytes,
    string LeaseOwner, int JobsRunning, int JobsTakenOver);
