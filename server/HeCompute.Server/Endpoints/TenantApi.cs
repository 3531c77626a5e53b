using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints;

/// <summary>The caller's own tenant: identity and erasure on request.</summary>
public static class TenantApi
{
    /// <summary>Maps <c>/v1/me</c> and <c>/v1/tenant</c>.</summary>
    public static IEndpointRouteBuilder MapTenant(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Tenant").RequireAuthorization()
            .WithMetadata(app.JsonBodyLimit());
        group.MapGet("/me", WhoAmI).WithName("tenant.me").WithSummary("The caller's tenant, key id and roles");
        group.MapDelete("/tenant/data", Erase).RequireAuthorization(Policies.TenantOwner).WithName("tenant.erase")
            .WithSummary("Erase this tenant's key sets, jobs, results, models and datasets (tenant-admin; ?confirm= must name the tenant; the audit log is kept)")
            .ProducesValidationProblem();
        return app;
    }

    private static Ok<WhoAmIResponse> WhoAmI(HttpContext context) =>
        TypedResults.Ok(new WhoAmIResponse(
            context.User.GetTenantId(),
            context.User.GetKeyId()!,
            [.. context.User.Claims.Where(c => c.Type == System.Security.Claims.ClaimTypes.Role).Select(c => c.Value)]));

    private static async Task<Results<Ok<TenantErasureResponse>, ValidationProblem>> Erase(
        HttpContext context, [FromQuery(Name = TenantErasureConfirmation.Parameter)] string? confirm, TenantDataEraser eraser, CancellationToken cancellationToken)
    {
        var tenantId = context.User.GetTenantId();
        if (TenantErasureConfirmation.Check(tenantId, confirm) is { } unconfirmed)
        {
            return unconfirmed;
        }

        return TypedResults.Ok(await eraser.EraseAsync(tenantId, cancellationToken).ConfigureAwait(false));
    }
}
