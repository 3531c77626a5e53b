using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Authorization;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>
/// The audit chain of the user's scope (the API's auditor policy, the scope <c>/v1/audit</c> takes without a
/// tenant_id): verification recomputed on every view, as <c>/v1/audit/verify</c> does, and the newest entries, searchable by action.
/// </summary>
[Authorize(Policy = Policies.Auditor, AuthenticationSchemes = ConsoleAuth.Scheme)]
public sealed class AuditModel(IMetadataStore metadata) : ConsolePage
{
    /// <summary>How many entries the page lists.</summary>
    public const int Shown = 200;

    /// <summary>The chain verification.</summary>
    public AuditVerificationResponse? Verification { get; private set; }

    /// <summary>The newest matching entries, newest first.</summary>
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>Only entries whose action contains this text.</summary>
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    /// <summary>Verifies and lists.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var (tenant, all) = AuditScope(User);
        var entries = await metadata.Audit.ReadAsync(tenant, all, 0, null, null, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        Verification = AuditChain.Verify(entries);
        var filter = ActionFilter?.Trim();
        Entries = [.. entries.Where(e => string.IsNullOrEmpty(filter) || e.Action.Contains(filter, StringComparison.OrdinalIgnoreCase)).Reverse().Take(Shown)];
    }
}
