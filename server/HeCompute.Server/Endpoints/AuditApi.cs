using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// The audit log: export, signed head and chain verification (auditors: their own tenant, another tenant's id
/// answers 404; global admins: any tenant or all).
/// </summary>
public static class AuditApi
{
    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxPageSize = 100_000;

    /// <summary>Maps <c>/v1/audit</c>.</summary>
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Auditor)
            .WithMetadata(app.JsonBodyLimit())
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", Export).WithName("audit.export")
            .WithSummary("Export audit entries as JSON lines: every entry of the scope, or one page with limit (page on with after_seq = the last seq " +
                "received, up to until_seq = the head's last_seq); global admins may pass tenant_id or omit it for all tenants")
            .Produces<AuditEntry>(StatusCodes.Status200OK, JsonLinesResult<AuditEntry>.ContentType)
            .ProducesValidationProblem();
        group.MapGet("/head", Head).WithName("audit.head")
            .WithSummary("The signed head of the scope (entry count, last seq, last hash of each chain): an export must end exactly there")
            .ProducesValidationProblem();
        group.MapGet("/verify", Verify).WithName("audit.verify").WithSummary("Recompute the hash chains and report the first broken entry");
        return app;
    }

    // The query names are snake_case like the rest of the API; minimal APIs would bind parameter names ("tenantId"),
    // so an admin's ?tenant_id= was ignored and the export covered every tenant.
    private static Results<JsonLinesResult<AuditEntry>, ValidationProblem, ProblemHttpResult> Export(
        HttpContext context,
        IMetadataStore metadata,
        [FromQuery(Name = "after_seq")] long? afterSeq,
        [FromQuery(Name = "until_seq")] long? untilSeq,
        [FromQuery(Name = "limit")] int? limit,
        [FromQuery(Name = "tenant_id")] string? tenantId,
        CancellationToken cancellationToken)
    {
        // An out-of-range limit is refused rather than clamped: a silently shortened page is how exports lost their tail.
        if (limit is < 1 or > MaxPageSize)
        {
            return Problems.Validation("limit", $"limit must be between 1 and {MaxPageSize}; omit it to export every entry.");
        }

        if (afterSeq is < 0)
        {
            return Problems.Validation("after_seq", "after_seq must not be negative.");
        }

        if (Scope(context, tenantId) is not { } scope)
        {
            return Problems.NotFound("tenant");
        }

        var (tenant, all) = scope;

        return new JsonLinesResult<AuditEntry>(metadata.Audit.ReadAsync(tenant, all, afterSeq ?? 0, untilSeq, limit, cancellationToken));
    }

    private static async Task<Results<Ok<AuditHeadResponse>, ValidationProblem, ProblemHttpResult>> Head(
        HttpContext context,
        IMetadataStore metadata,
        AuditHeadSigner signer,
        TimeProvider time,
        [FromQuery(Name = "after_seq")] long? afterSeq,
        [FromQuery(Name = "tenant_id")] string? tenantId,
        CancellationToken cancellationToken)
    {
        if (afterSeq is < 0)
        {
            return Problems.Validation("after_seq", "after_seq must not be negative.");
        }

        if (Scope(context, tenantId) is not { } scope)
        {
            return Problems.NotFound("tenant");
        }

        var (tenant, all) = scope;

        // Read before this call's own audit entry is appended, so the head never counts the request that asked for it.
        var snapshot = await metadata.Audit.ReadHeadAsync(tenant, all, afterSeq ?? 0, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(signer.Sign(tenant, all, afterSeq ?? 0, snapshot, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<AuditVerificationResponse>, ProblemHttpResult>> Verify(
        HttpContext context, IMetadataStore metadata, [FromQuery(Name = "tenant_id")] string? tenantId, CancellationToken cancellationToken)
    {
        if (Scope(context, tenantId) is not { } scope)
        {
            return Problems.NotFound("tenant");
        }

        var (tenant, all) = scope;

        var entries = await metadata.Audit.ReadAsync(tenant, all, 0, null, null, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(AuditChain.Verify(entries));
    }

    /// <summary>
    /// Global admins see the tenant they name, or every tenant; auditors their own tenant, and naming another one is
    /// refused (null: answered 404 like any foreign id) rather than silently narrowed.
    /// </summary>
    private static (string? TenantId, bool All)? Scope(HttpContext context, string? requestedTenant)
    {
        if (context.User.IsGlobalAdmin())
        {
            return (requestedTenant, requestedTenant is null);
        }

        var own = context.User.GetTenantId();
        return requestedTenant is null || string.Equals(requestedTenant, own, StringComparison.Ordinal) ? (own, false) : null;
    }
}
