using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.KeySets;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints;

/// <summary>Evaluation key sets (hospital role).</summary>
public static class KeySetsApi
{
    /// <summary>Maps <c>/v1/keysets</c>.</summary>
    public static IEndpointRouteBuilder MapKeySets(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/v1/keysets").WithTags("Key sets").RequireAuthorization(Policies.Hospital);
        group.MapPost("/", Create).WithName("keysets.create")
            .WithSummary("Upload evaluation keys (multipart/form-data: parms, public_key, relin_keys, galois_keys in SEAL format; optional name, expires_at)")
            .AcceptsKeySetUpload()
            .WithMetadata(app.KeySetUploadLimit())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/", List).WithName("keysets.list").WithSummary("List this tenant's key sets");
        group.MapGet("/{keySetId}", Get).WithName("keysets.get").WithSummary("A key set's metadata");
        group.MapDelete("/{keySetId}", Delete).WithName("keysets.delete").WithSummary("Delete a key set and its stored keys");
        return app;
    }

    private static async Task<Created<KeySetResponse>> Create(
        HttpContext context, KeySetService keySets, IBlobStore blobs, IOptions<HeComputeServerOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        using var upload = await KeySetUploadReader.ReadAsync(context.Request, blobs, options.Value.Limits, cancellationToken).ConfigureAwait(false);
        var record = await keySets.CreateAsync(context.User.GetTenantId(), upload, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/keysets/{record.Id}", record.ToResponse(time.GetUtcNow()));
    }

    private static async Task<Ok<KeySetListResponse>> List(HttpContext context, IMetadataStore metadata, TimeProvider time, CancellationToken cancellationToken)
    {
        var records = await metadata.KeySets.ListAsync(context.User.GetTenantId(), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new KeySetListResponse([.. records.Select(r => r.ToResponse(now))]));
    }

    private static async Task<Ok<KeySetResponse>> Get(
        string keySetId, HttpContext context, KeySetService keySets, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok((await keySets.GetAsync(context.User.GetTenantId(), keySetId, context.Audit(), cancellationToken).ConfigureAwait(false))
            .ToResponse(time.GetUtcNow()));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string keySetId, HttpContext context, KeySetService keySets, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(keySetId);
        return await keySets.DeleteAsync(context.User.GetTenantId(), keySetId, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Problems.NotFound("key set");
    }
}
