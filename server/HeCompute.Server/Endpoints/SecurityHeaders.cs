namespace HeCompute.Server.Endpoints;

/// <summary>
/// Response headers every answer carries: no MIME sniffing, no framing, no referrer, a content security policy that
/// lets an API answer load nothing, and <c>Cache-Control: no-store</c>. Every API answer is private to a tenant and
/// some carry secrets (a created API key), so none may sit in a browser or proxy cache. HSTS is added outside
/// Development, on HTTPS answers.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of API answers: JSON and binary bodies need no script, style, frame or form.</summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // The interactive reference is a page with scripts and styles; it still may not be framed.
    private const string ReferenceContentSecurityPolicy = "frame-ancestors 'none'";
    private const string ReferencePath = "/scalar";

    // The console's pages load their own stylesheet and script, and post forms and open event streams to themselves only.
    private const string ConsoleContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private const string ConsolePath = "/console";

    /// <summary>Adds HSTS (outside Development) and the headers above to every answer, error answers included.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            // On starting, so the exception handler clearing a failed answer does not remove them.
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(ReferencePath, StringComparison.OrdinalIgnoreCase)
                    ? ReferenceContentSecurityPolicy
                    : http.Request.Path.StartsWithSegments(ConsolePath, StringComparison.OrdinalIgnoreCase)
                        ? ConsoleContentSecurityPolicy
                        : ApiContentSecurityPolicy;
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
