using HeCompute.Contracts;
using Microsoft.OpenApi;

namespace HeCompute.Server.Endpoints;

/// <summary>The OpenAPI description of the multipart key set upload (the handler streams the body itself).</summary>
internal static class KeySetUploadSchema
{
    public static RouteHandlerBuilder AcceptsKeySetUpload(this RouteHandlerBuilder builder) => builder.AcceptsMultipart(
        "At least one key besides the parameters. Never a SecretKey: one is refused with problem type secret-key-refused.",
        [KeySetParts.Parms],
        new Dictionary<string, IOpenApiSchema>
        {
            [KeySetParts.Parms] = MultipartBody.Binary("SEAL EncryptionParameters (CKKS, at least 128-bit security)."),
            [KeySetParts.PublicKey] = MultipartBody.Binary("SEAL PublicKey (full or seeded form)."),
            [KeySetParts.RelinKeys] = MultipartBody.Binary("SEAL RelinKeys (full or seeded form)."),
            [KeySetParts.GaloisKeys] = MultipartBody.Binary("SEAL GaloisKeys (full or seeded form)."),
            [KeySetParts.Name] = MultipartBody.Text("Display name.", 200),
            [KeySetParts.ExpiresAt] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "date-time",
                Description = "When the key set expires (at most 730 days away); default: the server's HeCompute:Limits:KeySetLifetime, if set.",
            },
        });
}
