using System.Security.Claims;
using System.Text.Encodings.Web;
using HeCompute.Contracts;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c> against the stored hashes; challenges
/// and forbids with problem details.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IMetadataStore metadata,
    IProblemDetailsService problems,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The alternative header.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private const string FailureItem = "hecompute:auth-failure";

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadSecret(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        var keyId = ApiKeyToken.KeyIdOf(secret);
        var key = await metadata.ApiKeys.GetAsync(keyId, Context.RequestAborted).ConfigureAwait(false);
        // Hash and compare even when the id is unknown, so timing does not reveal which ids exist.
        var now = time.GetUtcNow();
        var matches = ApiKeyToken.Matches(secret, key?.SecretHash ?? new byte[32]);
        // During a rotation's overlap the replaced secret works too; both are always compared, for the same reason.
        var matchesPrevious = ApiKeyToken.Matches(secret, key?.PreviousSecretHash ?? new byte[32]) && key?.PreviousSecretHash is not null;
        var previousValid = matchesPrevious && now < key!.PreviousSecretExpiresAt;
        if (key is null || !(matches || previousValid) || key.RevokedAt is not null)
        {
            LogRejected(
                Logger,
                keyId,
                key is null ? "unknown key" : key.RevokedAt is not null ? "revoked" : matchesPrevious ? "rotated-out secret" : "wrong secret");
            Context.Items[FailureItem] = "The API key is invalid or has been revoked.";
            return AuthenticateResult.Fail("Invalid or revoked API key.");
        }

        // Only a caller who holds the right secret learns that the key expired (and when), so this discloses nothing.
        if (key.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            LogRejected(Logger, keyId, "expired");
            Context.Items[FailureItem] = FormattableString.Invariant(
                $"The API key expired at {expiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; ask a tenant admin for a new key.");
            return AuthenticateResult.Fail("Expired API key.");
        }

        var claims = new List<Claim> { new(HeComputeClaims.TenantId, key.TenantId), new(HeComputeClaims.KeyId, key.Id), new(ClaimTypes.Name, key.Id) };
        claims.AddRange(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc/>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Items[FailureItem] as string;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = failure is not null ? "Bearer error=\"invalid_token\"" : "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = ProblemTypes.Unauthorized,
                Title = "Unauthorized",
                Detail = failure
                    ?? "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.",
            },
        }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.Forbidden,
                Title = "Forbidden",
                Detail = "The API key does not carry the role this endpoint requires.",
            },
        }).ConfigureAwait(false);
    }

    private static string? ReadSecret(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        var header = request.Headers[ApiKeyHeader].ToString().Trim();
        return header.Length == 0 ? null : header;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string keyId, string reason);
}
