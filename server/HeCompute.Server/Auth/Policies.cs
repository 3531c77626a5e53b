using HeCompute.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace HeCompute.Server.Auth;

/// <summary>Authorization policies, one per role (the audit log also admits global admins).</summary>
public static class Policies
{
    /// <summary>Hospitals: key sets, datasets, predictions, statistics, jobs.</summary>
    public const string Hospital = "hospital";

    /// <summary>Model administrators.</summary>
    public const string ModelAdmin = "model-admin";

    /// <summary>Hospitals and model administrators: list models and read their plans.</summary>
    public const string ModelReader = "model-reader";

    /// <summary>Auditors (own tenant) and global admins (every tenant).</summary>
    public const string Auditor = "auditor";

    /// <summary>Global administrators (the <c>admin</c> role on a system-tenant key): tenants, every tenant's keys.</summary>
    public const string Admin = "admin";

    /// <summary>
    /// Callers who own their own tenant (<see cref="HeComputeClaims.OwnsTenant"/>: a <c>tenant-admin</c> outside the
    /// system tenant, or a global admin): keys and erasure. Endpoints naming a tenant or key check that it is theirs
    /// too, and answer a foreign one with 404 like a missing one.
    /// </summary>
    public const string TenantOwner = "tenant-owner";

    /// <summary>Adds the policies.</summary>
    public static AuthorizationBuilder AddHeComputePolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPolicy(Hospital, p => p.RequireAuthenticatedUser().RequireRole(Roles.Hospital))
            .AddPolicy(ModelAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.ModelAdmin))
            .AddPolicy(ModelReader, p => p.RequireAuthenticatedUser().RequireRole(Roles.Hospital, Roles.ModelAdmin))
            .AddPolicy(Auditor, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsInRole(Roles.Auditor) || c.User.IsGlobalAdmin()))
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsGlobalAdmin()))
            .AddPolicy(TenantOwner, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.FindTenantId() is { } own && c.User.OwnsTenant(own)))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
    }
}
