using Microsoft.OpenApi;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// The OpenAPI description of a <c>multipart/form-data</c> body that a handler streams itself (so nothing is inferred
/// from its parameters): the parts, which are required, and what each holds.
/// </summary>
internal static class MultipartBody
{
    /// <summary>The form media type.</summary>
    public const string MediaType = "multipart/form-data";

    /// <summary>Describes the endpoint's request body as a form of <paramref name="parts"/>.</summary>
    public static RouteHandlerBuilder AcceptsMultipart(
        this RouteHandlerBuilder builder, string description, IEnumerable<string> required, IDictionary<string, IOpenApiSchema> parts) =>
        // The marker tells the document-wide transformer, which runs first, that the operation has a body.
        builder.WithMetadata(Marker.Instance).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [MediaType] = new()
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Required = new HashSet<string>(required), Properties = parts },
                    },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>A part or body of raw bytes.</summary>
    public static OpenApiSchema Binary(string description) => new() { Type = JsonSchemaType.String, Format = "binary", Description = description };

    /// <summary>A text part.</summary>
    public static OpenApiSchema Text(string description, int? maxLength = null) =>
        new() { Type = JsonSchemaType.String, MaxLength = maxLength, Description = description };

    /// <summary>A part repeated once per item.</summary>
    public static OpenApiSchema Repeated(OpenApiSchema item, int? maxItems = null) =>
        new() { Type = JsonSchemaType.Array, Items = item, MaxItems = maxItems, Description = item.Description };

    /// <summary>Endpoint metadata: the endpoint reads a multipart body.</summary>
    public sealed class Marker
    {
        /// <summary>The one instance.</summary>
        public static readonly Marker Instance = new();

        private Marker()
        {
        }
    }
}
