using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using HeCompute.Server.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints;

/// <summary>Tenants (global admins), API keys and erasure (global admins and tenant owners).</summary>
public static class AdminApi
{
    /// <summary>Maps <c>/v1/admin</c>.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        // No group policy: tenants are the global admins', keys and erasure also their owners' (policies add up, so a
        // group policy would shut tenant owners out).
        var group = app.MapGroup("/v1/admin").WithTags("Admin").RequireAuthorization()
            .WithMetadata(app.JsonBodyLimit());
        group.MapPost("/tenants", CreateTenant).WithName("admin.tenants.create").WithSummary("Create a tenant (global admin)")
            .RequireAuthorization(Policies.Admin);
        group.MapGet("/tenants", ListTenants).WithName("admin.tenants.list").WithSummary("List tenants (global admin)")
            .RequireAuthorization(Policies.Admin);
        var owner = group.MapGroup("/").RequireAuthorization(Policies.TenantOwner).ProducesProblem(StatusCodes.Status404NotFound);
        owner.MapPost("/tenants/{tenantId}/keys", CreateKey).WithName("admin.keys.create")
            .WithSummary("Create an API key for a tenant (global admin: any tenant; tenant-admin: its own; the admin role only in the system tenant; optional expires_at at most two years away; the secret is returned once)")
            .ProducesValidationProblem();
        owner.MapGet("/tenants/{tenantId}/keys", ListKeys).WithName("admin.keys.list")
            .WithSummary("List a tenant's API keys, no secrets (global admin: any tenant; tenant-admin: its own)");
        owner.MapPost("/keys/{keyId}/revoke", RevokeKey).WithName("admin.keys.revoke")
            .WithSummary("Revoke an API key, effective immediately (global admin: any key; tenant-admin: its tenant's)");
        owner.MapPost("/keys/{keyId}/rotate", RotateKey).WithName("admin.keys.rotate")
            .WithSummary("Give an API key a new secret, returned once, with the same id and roles; the old secret keeps working for ?overlap_seconds= (default 86400, 0 to 604800) (global admin: any key; tenant-admin: its tenant's)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        owner.MapDelete("/keys/{keyId}/previous", RevokePreviousSecret).WithName("admin.keys.revoke-previous")
            .WithSummary("End a rotation's overlap at once: the old secret stops working (global admin: any key; tenant-admin: its tenant's)");
        owner.MapDelete("/tenants/{tenantId}/data", EraseTenant).WithName("admin.tenants.erase")
            .WithSummary("Erase a tenant's data; ?confirm= must name the tenant (global admin: any tenant; tenant-admin: its own)")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Results<Created<TenantResponse>, ValidationProblem>> CreateTenant(
        CreateTenantRequest request, IMetadataStore metadata, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return Problems.Validation("name", "A tenant name of 1 to 200 characters is required.");
        }

        var tenant = new TenantRecord(Ids.New("t"), name, time.GetUtcNow());
        await metadata.Tenants.CreateAsync(tenant, cancellationToken).ConfigureAwait(false);
        context.Audit().ObjectIds.Add(tenant.Id);
        return TypedResults.Created($"/v1/admin/tenants/{tenant.Id}", tenant.ToResponse());
    }

    private static async Task<Ok<IReadOnlyList<TenantResponse>>> ListTenants(IMetadataStore metadata, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<TenantResponse>>(
            [.. (await metadata.Tenants.ListAsync(cancellationToken).ConfigureAwait(false)).Select(t => t.ToResponse())]);

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateKey(
        string tenantId, CreateApiKeyRequest request, IMetadataStore metadata, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.User.OwnsTenant(tenantId))
        {
            return Problems.NotFound("tenant");
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return Problems.Validation("name", "A key name of 1 to 200 characters is required.");
        }

        var roles = (request.Roles ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (roles.Length == 0 || roles.Any(r => !Roles.IsKnown(r)))
        {
            return Problems.Validation("roles", $"One or more roles are required, each one of: {string.Join(", ", Roles.All)}.");
        }

        // A global admin is a superuser over every tenant, so the role exists only in the system tenant, and only a
        // global admin grants it (a tenant owner's own tenant is never the system tenant).
        if (roles.Contains(Roles.Admin) && !string.Equals(tenantId, BootstrapAdmin.SystemTenantId, StringComparison.Ordinal))
        {
            return Problems.Validation(
                "roles", $"The '{Roles.Admin}' role exists only in the system tenant; give a tenant's key manager the '{Roles.TenantAdmin}' role.");
        }

        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expiresAt
            && (expiresAt <= now || expiresAt > now.AddDays(CreateApiKeyRequest.MaxLifetimeDays)))
        {
            return Problems.Validation(
                "expires_at", $"The expiry must lie in the future and at most {CreateApiKeyRequest.MaxLifetimeDays} days from now.");
        }

        if (await metadata.Tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("tenant");
        }

        var (keyId, secret) = ApiKeyToken.Generate();
        var key = new ApiKeyRecord(keyId, tenantId, name, roles, ApiKeyToken.Hash(secret), now, null, request.ExpiresAt);
        await metadata.ApiKeys.UpsertAsync(key, cancellationToken).ConfigureAwait(false);
        context.Audit().ObjectIds.AddRange([tenantId, keyId]);
        return TypedResults.Created($"/v1/admin/keys/{keyId}", new CreatedApiKeyResponse(key.ToResponse(), secret));
    }

    private static async Task<Results<Ok<IReadOnlyList<ApiKeyResponse>>, ProblemHttpResult>> ListKeys(
        string tenantId, IMetadataStore metadata, HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.User.OwnsTenant(tenantId) || await metadata.Tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("tenant");
        }

        return TypedResults.Ok<IReadOnlyList<ApiKeyResponse>>(
            [.. (await metadata.ApiKeys.ListAsync(tenantId, cancellationToken).ConfigureAwait(false)).Select(k => k.ToResponse())]);
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokeKey(
        string keyId, IMetadataStore metadata, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(keyId);
        // Another tenant's key answers exactly like a missing one.
        if (await metadata.ApiKeys.GetAsync(keyId, cancellationToken).ConfigureAwait(false) is not { } existing
            || !context.User.OwnsTenant(existing.TenantId)
            || !await metadata.ApiKeys.RevokeAsync(keyId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound("API key");
        }

        var key = await metadata.ApiKeys.GetAsync(keyId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(key!.ToResponse());
    }

    private static async Task<Results<Ok<CreatedApiKeyResponse>, ValidationProblem, ProblemHttpResult>> RotateKey(
        string keyId,
        [FromQuery(Name = "overlap_seconds")] int? overlapSeconds,
        IMetadataStore metadata,
        TimeProvider time,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(keyId);
        if (await metadata.ApiKeys.GetAsync(keyId, cancellationToken).ConfigureAwait(false) is not { } existing
            || !context.User.OwnsTenant(existing.TenantId))
        {
            return Problems.NotFound("API key");
        }

        var overlap = overlapSeconds ?? ApiKeyRotation.DefaultOverlapSeconds;
        if (overlap is < 0 or > ApiKeyRotation.MaxOverlapSeconds)
        {
            return Problems.Validation("overlap_seconds", $"The overlap must be 0 to {ApiKeyRotation.MaxOverlapSeconds} seconds.");
        }

        var now = time.GetUtcNow();
        if (existing.RevokedAt is not null || existing.ExpiresAt <= now)
        {
            return Problems.Conflict("A revoked or expired API key cannot be rotated; create a new key.");
        }

        // The configured bootstrap key is re-stored from configuration at every start, which would undo a rotation.
        if (existing.Id == ApiKeyToken.BootstrapKeyId)
        {
            return Problems.Conflict("The configured bootstrap admin key is rotated by changing HeCompute:BootstrapAdminKey.");
        }

        var secret = ApiKeyToken.NewSecret(existing.Id);
        if (!await metadata.ApiKeys.RotateAsync(existing.Id, ApiKeyToken.Hash(secret), overlap == 0 ? null : now.AddSeconds(overlap), cancellationToken)
                .ConfigureAwait(false))
        {
            return Problems.Conflict("A revoked or expired API key cannot be rotated; create a new key.");
        }

        var key = await metadata.ApiKeys.GetAsync(existing.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new CreatedApiKeyResponse(key!.ToResponse(), secret));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokePreviousSecret(
        string keyId, IMetadataStore metadata, HttpContext context, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(keyId);
        // Idempotent: a key with no previous secret answers as it is.
        if (await metadata.ApiKeys.GetAsync(keyId, cancellationToken).ConfigureAwait(false) is not { } existing
            || !context.User.OwnsTenant(existing.TenantId)
            || !await metadata.ApiKeys.RevokePreviousAsync(keyId, cancellationToken).ConfigureAwait(false))
        {
            return Problems.NotFound("API key");
        }

        var key = await metadata.ApiKeys.GetAsync(keyId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(key!.ToResponse());
    }

    private static async Task<Results<Ok<TenantErasureResponse>, ValidationProblem, ProblemHttpResult>> EraseTenant(
        string tenantId,
        [FromQuery(Name = TenantErasureConfirmation.Parameter)] string? confirm,
        IMetadataStore metadata,
        TenantDataEraser eraser,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!context.User.OwnsTenant(tenantId) || await metadata.Tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("tenant");
        }

        if (TenantErasureConfirmation.Check(tenantId, confirm) is { } unconfirmed)
        {
            return unconfirmed;
        }

        context.Audit().ObjectIds.Add(tenantId);
        return TypedResults.Ok(await eraser.EraseAsync(tenantId, cancellationToken).ConfigureAwait(false));
    }
}
