using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints;

/// <summary>The audit log: export and chain verification (auditors: own tenant; admins: any or all tenants).</summary>
public static class AuditApi
{
    /// <summary>Maps <c>/v1/audit</c>.</summary>
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Auditor)
            .WithMetadata(app.JsonBodyLimit());
        group.MapGet("/", Export).WithName("audit.export")
            .WithSummary("Export audit entries as JSON lines (after_seq and limit page through; admins may pass tenant_id or omit it for all)")
            .Produces<AuditEntry>(StatusCodes.Status200OK, JsonLinesResult<AuditEntry>.ContentType);
        group.MapGet("/verify", Verify).WithName("audit.verify").WithSummary("Recompute the hash chains and report the first broken entry");
        return app;
    }

    // The query names are snake_case like the rest of the API; minimal APIs would bind parameter names ("tenantId"),
    // so an admin's ?tenant_id= was ignored and the export covered every tenant.
    private static JsonLinesResult<AuditEntry> Export(
        HttpContext context,
        IMetadataStore metadata,
        [FromQuery(Name = "after_seq")] long? afterSeq,
        [FromQuery(Name = "limit")] int? limit,
        [FromQuery(Name = "tenant_id")] string? tenantId,
        CancellationToken cancellationToken)
    {
        var (tenant, all) = Scope(context, tenantId);
        return new JsonLinesResult<AuditEntry>(
            metadata.Audit.ReadAsync(tenant, all, afterSeq ?? 0, Math.Clamp(limit ?? 10_000, 1, 100_000), cancellationToken));
    }

    private static async Task<Ok<AuditVerificationResponse>> Verify(
        HttpContext context, IMetadataStore metadata, [FromQuery(Name = "tenant_id")] string? tenantId, CancellationToken cancellationToken)
    {
        var (tenant, all) = Scope(context, tenantId);
        var entries = await metadata.Audit.ReadAsync(tenant, all, 0, int.MaxValue, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(AuditChain.Verify(entries));
    }

    /// <summary>Auditors see their own tenant; admins the tenant they name, or every tenant.</summary>
    private static (string? TenantId, bool All) Scope(HttpContext context, string? requestedTenant) =>
        context.User.IsInRole(Roles.Admin)
            ? (requestedTenant, requestedTenant is null)
            : (context.User.GetTenantId(), false);
}
