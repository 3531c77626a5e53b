using HeCompute.Contracts;
using Microsoft.OpenApi;

namespace HeCompute.Server.Endpoints;

/// <summary>The OpenAPI description of the multipart key set upload (the handler streams the body itself).</summary>
internal static class KeySetUploadSchema
{
    public static OpenApiRequestBody RequestBody()
    {
        static OpenApiSchema Binary(string description) => new() { Type = JsonSchemaType.String, Format = "binary", Description = description };
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { KeySetParts.Parms },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                [KeySetParts.Parms] = Binary("SEAL EncryptionParameters (CKKS, at least 128-bit security)."),
                [KeySetParts.PublicKey] = Binary("SEAL PublicKey (full or seeded form)."),
                [KeySetParts.RelinKeys] = Binary("SEAL RelinKeys (full or seeded form)."),
                [KeySetParts.GaloisKeys] = Binary("SEAL GaloisKeys (full or seeded form)."),
                [KeySetParts.Name] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200, Description = "Display name." },
                [KeySetParts.ExpiresAt] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Format = "date-time",
                    Description = "When the key set expires (at most 730 days away); default: the server's HeCompute:Limits:KeySetLifetime, if set.",
                },
            },
        };
        return new OpenApiRequestBody
        {
            Required = true,
            Description = "At least one key besides the parameters. Never a SecretKey: one is refused with problem type secret-key-refused.",
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
        };
    }
}
