using System.Security.Claims;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using HeCompute.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace HeCompute.Server.Endpoints.ConsoleUi;

/// <summary>
/// The console's cookie sessions. A signed-in user carries exactly the claims an API key carries (tenant, roles, an
/// id), so the console is authorized by the same policies and scoped by the same tenant id as the API.
/// </summary>
public static class ConsoleAuth
{
    /// <summary>The session scheme (both factors passed).</summary>
    public const string Scheme = "Console";

    /// <summary>The short-lived scheme between the password and the second factor.</summary>
    public const string PendingScheme = "ConsolePending";

    /// <summary>The session cookie (<c>__Host-</c>: Secure, path /, no domain).</summary>
    public const string SessionCookie = "__Host-hc-console";

    /// <summary>The pending sign-in cookie.</summary>
    public const string PendingCookie = "__Host-hc-signin";

    /// <summary>The antiforgery cookie.</summary>
    public const string AntiforgeryCookie = "__Host-hc-af";

    /// <summary>Claim of the pending cookie: what the next step is (<c>totp</c> or <c>enrol</c>).</summary>
    public const string StageClaim = "hecompute:console-stage";

    /// <summary>Claim of the user id.</summary>
    public const string UserIdClaim = "hecompute:user";

    /// <summary>Starts the session of a user who passed both factors.</summary>
    public static Task SignInAsync(HttpContext context, UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(HeComputeClaims.TenantId, user.TenantId),
            new(HeComputeClaims.KeyId, UserAccounts.AuditId(user.Id)),
            new(ClaimTypes.Name, user.UserName),
            new(UserIdClaim, user.Id),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role));
        return context.SignInAsync(Scheme, principal, new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>Remembers a user whose password was right until the second factor (or enrolment) is done.</summary>
    public static Task BeginPendingAsync(HttpContext context, UserRecord user, string stage)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        var identity = new ClaimsIdentity(
            [new(HeComputeClaims.TenantId, user.TenantId), new(UserIdClaim, user.Id), new(ClaimTypes.Name, user.UserName), new(StageClaim, stage)],
            PendingScheme);
        return context.SignInAsync(PendingScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>The pending sign-in at <paramref name="stage"/>, or null (none, expired, or at another stage).</summary>
    public static async Task<(string TenantId, string UserId, string UserName)?> PendingAsync(HttpContext context, string stage)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(PendingScheme).ConfigureAwait(false);
        var user = result.Principal;
        return result.Succeeded && user?.FindFirstValue(StageClaim) == stage
            && user.FindFirstValue(HeComputeClaims.TenantId) is { } tenant && user.FindFirstValue(UserIdClaim) is { } id
            ? (tenant, id, user.Identity?.Name ?? string.Empty)
            : null;
    }

    /// <summary>Configures a console cookie: HttpOnly, Secure, SameSite=Strict, never persistent.</summary>
    internal static void Harden(CookieAuthenticationOptions options, string name, TimeSpan lifetime)
    {
        options.Cookie.Name = name;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = lifetime;
        options.LoginPath = "/console/signin";
        options.LogoutPath = "/console/signout";
        options.AccessDeniedPath = "/console/denied";
        options.ReturnUrlParameter = "returnUrl";
    }
}
