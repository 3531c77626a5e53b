using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Authorization;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>The models the tenant may use (the API's model-reader policy), each plan drawn as its level budget and key sizes.</summary>
[Authorize(Policy = Policies.ModelReader, AuthenticationSchemes = ConsoleAuth.Scheme)]
public sealed class ModelsModel(IMetadataStore metadata) : ConsolePage
{
    /// <summary>The models as <c>GET /v1/models</c> returns them.</summary>
    public IReadOnlyList<ModelResponse> Models { get; private set; } = [];

    /// <summary>Lists.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var records = await metadata.Models.ListVisibleAsync(TenantId, cancellationToken).ConfigureAwait(false);
        Models = [.. records.Select(m => m.ToResponse(TenantId))];
    }

    /// <summary>Bytes of the evaluation keys a plan needs (public key, relinearization keys if used, its Galois keys).</summary>
    public static long KeyBytes(PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Sizes.PublicKeyBytes + (plan.Keys.RelinearizationKeys ? plan.Sizes.RelinKeysBytes : 0) + plan.Sizes.GaloisKeysBytes;
    }
}
