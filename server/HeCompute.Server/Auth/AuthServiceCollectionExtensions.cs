using Microsoft.AspNetCore.Authentication;

namespace HeCompute.Server.Auth;

/// <summary>Registers API key authentication, the role policies and the bootstrap admin key.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>Adds authentication, authorization and the bootstrap (after storage, so the schema exists).</summary>
    public static IServiceCollection AddHeComputeAuth(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddHeComputePolicies();
        services.AddHostedService<BootstrapAdmin>();
        return services;
    }
}
