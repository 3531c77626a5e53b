using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Options;
using HeCompute.Server.Tenants;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace HeCompute.Server.Endpoints;

/// <summary>Registers the HTTP surface: JSON conventions, problem details, the exception handler, OpenAPI and limits.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds what the endpoints need.</summary>
    public static IServiceCollection AddHeComputeApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json => HeComputeJson.Configure(json.SerializerOptions));
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<HeComputeExceptionHandler>();
        // Binding failures (malformed JSON, wrong content type) reach the exception handler, which explains them.
        services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        services.AddSingleton<TenantDataEraser>();
        services.AddSingleton<Audit.AuditHeadSigner>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HeComputeServerOptions>>(
            (kestrel, options) =>
            {
                kestrel.Limits.MaxRequestBodySize = options.Value.Limits.MaxRequestBodyBytes;
                // Kestrel refuses what it cannot parse (an over-long request line, a bad Host) with an empty body.
                kestrel.ConfigureEndpointDefaults(BareKestrelErrors.Use);
            });
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, context, _) =>
            {
                // The default entry echoes the request's Host header, which any client can forge.
                var publicUrl = context.ApplicationServices.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.PublicBaseUrl;
                document.Servers = publicUrl is null ? [] : [new OpenApiServer { Url = publicUrl.TrimEnd('/') }];
                document.Info.Title = "HeCompute API";
                // No angle brackets: the reference page renders descriptions as HTML and would swallow "<API key>".
                document.Info.Description =
                    "Encrypted inference and cohort statistics on CKKS ciphertexts. The server never holds a secret key. " +
                    "Authenticate with an API key, sent as 'Authorization: Bearer' followed by the key (or in 'X-Api-Key'). " +
                    "Errors are RFC 7807 problem details.";
                OpenApiProblems.DeclareSchemes(document);
                return Task.CompletedTask;
            });
            openApi.AddOperationTransformer<OpenApiProblems>();
        });
        services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        return services;
    }
}
