using HeCompute.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace HeCompute.Server.Auth;

/// <summary>Authorization policies, one per role (the audit log also admits admins).</summary>
public static class Policies
{
    /// <summary>Hospitals: key sets, datasets, predictions, statistics, jobs, erasure of their own data.</summary>
    public const string Hospital = "hospital";

    /// <summary>Model administrators.</summary>
    public const string ModelAdmin = "model-admin";

    /// <summary>Hospitals and model administrators: list models and read their plans.</summary>
    public const string ModelReader = "model-reader";

    /// <summary>Auditors (own tenant) and admins (every tenant).</summary>
    public const string Auditor = "auditor";

    /// <summary>Administrators: tenants and keys.</summary>
    public const string Admin = "admin";

    /// <summary>Adds the policies.</summary>
    public static AuthorizationBuilder AddHeComputePolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPolicy(Hospital, p => p.RequireAuthenticatedUser().RequireRole(Roles.Hospital))
            .AddPolicy(ModelAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.ModelAdmin))
            .AddPolicy(ModelReader, p => p.RequireAuthenticatedUser().RequireRole(Roles.Hospital, Roles.ModelAdmin))
            .AddPolicy(Auditor, p => p.RequireAuthenticatedUser().RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
    }
}
