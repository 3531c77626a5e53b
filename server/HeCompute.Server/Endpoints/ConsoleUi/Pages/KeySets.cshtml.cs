using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Errors;
using HeCompute.Server.KeySets;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>The tenant's key sets (the API's hospital policy): parameters, sizes, the models each fits, expiry, delete.</summary>
[Authorize(Policy = Policies.Hospital, AuthenticationSchemes = ConsoleAuth.Scheme)]
public sealed class KeySetsModel(IMetadataStore metadata, KeySetService keySets, TimeProvider time) : ConsolePage
{
    /// <summary>The key sets as <c>GET /v1/keysets</c> returns them.</summary>
    public IReadOnlyList<KeySetResponse> KeySets { get; private set; } = [];

    /// <summary>Names of the visible models whose plan each key set satisfies, by key set id.</summary>
    public Dictionary<string, List<string>> Fits { get; } = new(StringComparer.Ordinal);

    /// <summary>The outcome of a delete.</summary>
    public string? Message { get; private set; }

    /// <summary>Lists.</summary>
    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>Deletes one of the tenant's key sets; another tenant's id is not found, as in the API.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken cancellationToken)
    {
        var record = new AuditRecord();
        record.ObjectIds.Add(id);
        var deleted = await keySets.DeleteAsync(TenantId, id, cancellationToken).ConfigureAwait(false);
        await ConsoleAudit.AppendAsync(HttpContext, "console.keysets.delete", record, deleted ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound)
            .ConfigureAwait(false);
        if (!deleted)
        {
            return NotFound();
        }

        Message = $"Key set {id} and its stored keys were deleted.";
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var records = await metadata.KeySets.ListAsync(TenantId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        KeySets = [.. records.Select(r => r.ToResponse(now))];
        var models = await metadata.Models.ListVisibleAsync(TenantId, cancellationToken).ConfigureAwait(false);
        foreach (var keySet in records)
        {
            var fits = new List<string>();
            foreach (var model in models)
            {
                try
                {
                    PlanKeyCheck.Require(Plans.StoredPlans.Read(model.PlanJson), keySet);
                    fits.Add(model.Name);
                }
                catch (DomainException)
                {
                    // Missing a key or other parameters: this model does not fit.
                }
            }

            Fits[keySet.Id] = fits;
        }
    }
}
