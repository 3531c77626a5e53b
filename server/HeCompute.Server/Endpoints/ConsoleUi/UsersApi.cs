using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using HeCompute.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeCompute.Server.Endpoints.ConsoleUi;

/// <summary>A console user to create: user name, initial password and roles (the roles API keys carry).</summary>
public sealed record CreateUserRequest(string? UserName, string? Password, IReadOnlyList<string>? Roles);

/// <summary>A console user (never its password hash, TOTP secret or recovery codes).</summary>
public sealed record UserResponse(
    string Id, string TenantId, string UserName, IReadOnlyList<string> Roles, bool TotpEnabled, int RecoveryCodesLeft, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

/// <summary>Console users, managed like API keys: by the tenant's owner (a <c>tenant-admin</c> key) or a global admin.</summary>
public static class UsersApi
{
    /// <summary>Maps <c>/v1/admin/tenants/{tenantId}/users</c>.</summary>
    public static IEndpointRouteBuilder MapConsoleUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/tenants/{tenantId}/users").WithTags("Admin").RequireAuthorization(Policies.TenantOwner)
            .WithMetadata(app.JsonBodyLimit())
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", Create).WithName("admin.users.create")
            .WithSummary("Create a console user (tenant-admin of the tenant, or global admin); the user enrols a TOTP authenticator at first sign-in")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", List).WithName("admin.users.list").WithSummary("The tenant's console users");
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Create(
        string tenantId, CreateUserRequest request, UserAccounts accounts, HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.User.OwnsTenant(tenantId))
        {
            return Problems.NotFound("tenant");
        }

        var user = await accounts.CreateAsync(tenantId, request?.UserName, request?.Password, request?.Roles, cancellationToken).ConfigureAwait(false);
        context.Audit().ObjectIds.AddRange([tenantId, user.Id]);
        return TypedResults.Created($"/v1/admin/tenants/{tenantId}/users/{user.Id}", ToResponse(user));
    }

    private static async Task<Results<Ok<IReadOnlyList<UserResponse>>, ProblemHttpResult>> List(
        string tenantId, UserAccounts accounts, IMetadataStore metadata, HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.User.OwnsTenant(tenantId) || await metadata.Tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("tenant");
        }

        return TypedResults.Ok<IReadOnlyList<UserResponse>>([.. (await accounts.ListAsync(tenantId, cancellationToken).ConfigureAwait(false)).Select(ToResponse)]);
    }

    private static UserResponse ToResponse(UserRecord user) =>
        new(user.Id, user.TenantId, user.UserName, user.Roles, user.TotpEnabled, user.RecoveryCodesLeft, user.LockedUntil, user.CreatedAt);
}
