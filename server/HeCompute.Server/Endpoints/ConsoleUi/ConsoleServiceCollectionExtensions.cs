using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Jobs;
using HeCompute.Server.Storage;
using HeCompute.Server.Users;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints.ConsoleUi;

/// <summary>Registers and maps the web console under <c>/console</c>: Razor Pages rendered on the server, cookie sessions, its assets.</summary>
public static class ConsoleServiceCollectionExtensions
{
    private const string AssetPrefix = "HeCompute.Server.Endpoints.ConsoleUi.Assets.";

    /// <summary>Adds the user accounts, the two cookie schemes, antiforgery and the pages.</summary>
    public static IServiceCollection AddHeComputeConsole(this IServiceCollection services)
    {
        services.AddOptions<UserAccountOptions>().BindConfiguration(UserAccountOptions.Section)
            .Validate(o => o.MaxFailedAttempts > 0 && o.LockoutDuration > TimeSpan.Zero && o.IdleTimeout > TimeSpan.Zero && o.SecondFactorWindow > TimeSpan.Zero,
                "HeCompute:Console needs a positive MaxFailedAttempts, LockoutDuration, IdleTimeout and SecondFactorWindow.")
            .ValidateOnStart();
        services.AddSingleton<UserAccounts>();
        services.AddAuthentication()
            .AddCookie(ConsoleAuth.Scheme)
            .AddCookie(ConsoleAuth.PendingScheme);
        services.AddOptions<CookieAuthenticationOptions>(ConsoleAuth.Scheme).Configure<IOptions<UserAccountOptions>>((cookie, settings) =>
        {
            ConsoleAuth.Harden(cookie, ConsoleAuth.SessionCookie, settings.Value.IdleTimeout);
            cookie.SlidingExpiration = true;
        });
        services.AddOptions<CookieAuthenticationOptions>(ConsoleAuth.PendingScheme).Configure<IOptions<UserAccountOptions>>((cookie, settings) =>
        {
            ConsoleAuth.Harden(cookie, ConsoleAuth.PendingCookie, settings.Value.SecondFactorWindow);
            cookie.SlidingExpiration = false;
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = ConsoleAuth.AntiforgeryCookie;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.Path = "/console";
            antiforgery.FormFieldName = "__csrf";
            // The security headers already forbid framing (DENY), stricter than antiforgery's SAMEORIGIN.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Endpoints/ConsoleUi/Pages";
            pages.Conventions.AuthorizeFolder("/", ConsolePolicies.SignedIn);
            foreach (var anonymous in new[] { "/SignIn", "/SecondFactor", "/Enrol" })
            {
                pages.Conventions.AllowAnonymousToPage(anonymous);
            }
        });
        services.AddAuthorizationBuilder().AddPolicy(ConsolePolicies.SignedIn, p => p.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// Answers a console request that did not come over HTTPS with a 400 problem: its cookies are Secure-only, so such a
    /// session could never work (the server speaks HTTPS only outside Development; this covers a plain-HTTP test or dev host).
    /// </summary>
    public static IApplicationBuilder UseConsoleHttpsOnly(this IApplicationBuilder app) =>
        app.UseWhen(
            http => !http.Request.IsHttps && http.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase),
            branch => branch.Run(http => TypedResults.Problem(
                "The console is served over HTTPS only: its session and antiforgery cookies are Secure.",
                statusCode: StatusCodes.Status400BadRequest, title: "HTTPS required", type: ProblemTypes.BadRequest).ExecuteAsync(http)));

    /// <summary>Maps the pages, the console's assets, the job event stream, result downloads, the audit export and the users API.</summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapConsoleUsers();
        app.MapRazorPages().DisableRateLimiting();
        app.MapGet("/console/assets/{file}", Asset).AllowAnonymous().ExcludeFromDescription().DisableRateLimiting();
        var signedIn = app.MapGroup("/console").ExcludeFromDescription();
        signedIn.MapGet("/jobs/events", JobEvents).RequireAuthorization(ConsolePolicies.For(Policies.Hospital));
        signedIn.MapGet("/jobs/{jobId}/results/{name}", Download).RequireAuthorization(ConsolePolicies.For(Policies.Hospital));
        signedIn.MapGet("/audit/export", ExportAudit).RequireAuthorization(ConsolePolicies.For(Policies.Auditor));
        return app;
    }

    private static Results<FileStreamHttpResult, NotFound> Asset(string file)
    {
        var contentType = Path.GetExtension(file) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            _ => null,
        };
        var stream = contentType is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream(AssetPrefix + file);
        return stream is null ? TypedResults.NotFound() : TypedResults.Stream(stream, contentType);
    }

    // Each event is the tenant's job list as the jobs page shows it, sent when it changed (checked twice a second).
    private static ServerSentEventsResult<string> JobEvents(HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(JobSnapshots(context.User.GetTenantId(), metadata, cancellationToken), "jobs");

    private static async IAsyncEnumerable<string> JobSnapshots(string tenantId, IMetadataStore metadata, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var jobs = await metadata.Jobs.ListAsync(tenantId, 100, cancellationToken).ConfigureAwait(false);
            var snapshot = JsonSerializer.Serialize(
                jobs.Select(j => new JobEvent(j.Id, j.State, j.Progress, j.ProgressMessage, j.State == JobState.Succeeded ? [.. j.Results.Select(r => r.Name)] : [])),
                HeComputeJson.Options);
            if (snapshot != last)
            {
                last = snapshot;
                yield return snapshot;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private static async Task<FileStreamHttpResult> Download(string jobId, string name, HttpContext context, JobService jobs, CancellationToken cancellationToken)
    {
        var record = new AuditRecord();
        var result = await jobs.OpenResultAsync(context.User.GetTenantId(), jobId, name, record, cancellationToken).ConfigureAwait(false);
        await ConsoleAudit.AppendAsync(context, "console.jobs.results.get", record, StatusCodes.Status200OK).ConfigureAwait(false);
        return TypedResults.Stream(result, "application/octet-stream", fileDownloadName: name);
    }

    private static JsonLinesResult<AuditEntry> ExportAudit(HttpContext context, IMetadataStore metadata)
    {
        var (tenant, all) = ConsolePage.AuditScope(context.User);
        return new(metadata.Audit.ReadAsync(tenant, all, 0, null, null, context.RequestAborted));
    }

    private sealed record JobEvent(string Id, JobState State, double Progress, string? Message, IReadOnlyList<string> Results);
}

/// <summary>The console's authorization: the API's own policies, evaluated on the console session instead of an API key.</summary>
public static class ConsolePolicies
{
    /// <summary>Any signed-in console user.</summary>
    public const string SignedIn = "console";

    /// <summary>The API policy <paramref name="policy"/> (see <see cref="Policies"/>) on the console session.</summary>
    public static AuthorizeAttribute For(string policy) => new(policy) { AuthenticationSchemes = ConsoleAuth.Scheme };
}
