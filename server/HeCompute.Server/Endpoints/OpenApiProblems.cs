using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Completes every operation of the OpenAPI document from its endpoint's metadata, so no endpoint repeats what its
/// kind implies: the API-key requirement with 401, 403 (a policy) and 429 (per-key rate limits); 404 for a route with
/// ids; 400, 413 and 415 for a request body; 503 (unavailable or corrupt storage, a busy scheduler) for every
/// authenticated call and 507 for writes. Endpoints
/// add only what is theirs (409, 422) with <c>ProducesProblem</c>. Every problem answer is described as
/// <c>application/problem+json</c>, and every SEAL byte stream as binary.
/// </summary>
internal sealed class OpenApiProblems : IOpenApiOperationTransformer
{
    /// <summary>The HTTP bearer scheme: <c>Authorization: Bearer</c> followed by the key.</summary>
    public const string BearerScheme = "ApiKey";

    /// <summary>The same key in the <c>X-Api-Key</c> header.</summary>
    public const string HeaderScheme = "ApiKeyHeader";

    private const string ProblemMediaType = "application/problem+json";
    private const string ProblemSchema = "ProblemDetails";

    /// <summary>Declares the security schemes in the document (the operations reference them).</summary>
    public static void DeclareSchemes(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key created by an admin (shown once at creation), sent as the bearer token.",
        };
        document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "The same API key in the X-Api-Key header.",
        };
    }

    /// <inheritdoc/>
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var document = context.Document ?? throw new InvalidOperationException("Operations are transformed inside a document.");
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var statuses = new SortedSet<int>();

        // The fallback policy requires a key wherever AllowAnonymous is absent.
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (anonymous)
        {
            operation.Security = [];
        }
        else
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, document)] = [] },
            ];
            statuses.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests]);
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            {
                statuses.Add(StatusCodes.Status403Forbidden);
            }
        }

        if (description.RelativePath?.Contains('{', StringComparison.Ordinal) == true)
        {
            statuses.Add(StatusCodes.Status404NotFound);
        }

        if (metadata.OfType<IAcceptsMetadata>().Any() || metadata.OfType<MultipartBody.Marker>().Any() || description.ParameterDescriptions.Any(p => p.Source.Id is "Body" or "Form"))
        {
            statuses.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
        }

        // Every authenticated call reads storage, which may be unavailable or hold a blob that fails its integrity
        // check (503); writes may also find it full (507).
        if (!anonymous)
        {
            statuses.Add(StatusCodes.Status503ServiceUnavailable);
            if (description.HttpMethod is not ("GET" or "HEAD"))
            {
                statuses.Add(StatusCodes.Status507InsufficientStorage);
            }
        }

        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = new OpenApiResponse { Description = ReasonPhrases.GetReasonPhrase(status) };
            }
        }

        if (document.Components?.Schemas?.ContainsKey(ProblemSchema) != true)
        {
            document.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken).ConfigureAwait(false));
        }

        foreach (var (key, response) in operation.Responses)
        {
            if (int.TryParse(key, System.Globalization.CultureInfo.InvariantCulture, out var status) && status >= 400 && response is OpenApiResponse problem)
            {
                // A validation problem keeps its richer schema; anything else is a plain problem.
                var schema = problem.Content?.Values.Select(m => m.Schema).FirstOrDefault(s => s is not null)
                    ?? new OpenApiSchemaReference(ProblemSchema, document);
                problem.Content = new Dictionary<string, OpenApiMediaType> { [ProblemMediaType] = new() { Schema = schema } };
            }
        }

        // SEAL objects travel as raw bytes, not as the base64 string a byte[] would suggest, and an untyped
        // Produces(…, "application/octet-stream") leaves the answer without any content.
        if (metadata.OfType<IAcceptsMetadata>().Any(a => a.ContentTypes.Contains(OctetStreamBody.MediaType)))
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [OctetStreamBody.MediaType] = SealBytes() },
            };
        }

        foreach (var produced in metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.ContentTypes.Contains(OctetStreamBody.MediaType)))
        {
            if (operation.Responses.TryGetValue(produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var answer)
                && answer is OpenApiResponse binary)
            {
                binary.Content = new Dictionary<string, OpenApiMediaType> { [OctetStreamBody.MediaType] = SealBytes() };
            }
        }
    }

    private static OpenApiMediaType SealBytes() => new() { Schema = MultipartBody.Binary("A SEAL object in SEAL serialization.") };
}
