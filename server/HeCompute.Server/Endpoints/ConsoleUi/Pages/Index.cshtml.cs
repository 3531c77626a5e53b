using System.Security.Claims;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>
/// The tenant at a glance. Each figure is shown only to roles whose API calls could read it (hospital: key sets, jobs,
/// datasets; hospital or model admin: models; auditor: the audit log and the usage counted from it; global admin: tenants).
/// </summary>
public sealed class OverviewModel(IMetadataStore metadata, TimeProvider time) : ConsolePage
{
    /// <summary>The user's roles.</summary>
    public IReadOnlyList<string> RolesHeld { get; private set; } = [];

    /// <summary>Key sets held (hospital).</summary>
    public int? KeySets { get; private set; }

    /// <summary>Bytes of every stored key set part.</summary>
    public long KeyBytes { get; private set; }

    /// <summary>Jobs running now.</summary>
    public int JobsRunning { get; private set; }

    /// <summary>Jobs queued.</summary>
    public int JobsQueued { get; private set; }

    /// <summary>Datasets owned or contributed to.</summary>
    public int Datasets { get; private set; }

    /// <summary>Models visible (own and shared).</summary>
    public int? Models { get; private set; }

    /// <summary>Entries of the audit scope (auditor).</summary>
    public long? AuditEntries { get; private set; }

    /// <summary>API calls in the last 24 hours.</summary>
    public long CallsLastDay { get; private set; }

    /// <summary>Calls answered 429 in the last 24 hours.</summary>
    public long RateLimitHits { get; private set; }

    /// <summary>Every tenant (global admin).</summary>
    public IReadOnlyList<TenantRecord>? Tenants { get; private set; }

    /// <summary>Loads the figures.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RolesHeld = [.. User.FindAll(ClaimTypes.Role).Select(c => c.Value)];
        if (User.IsInRole(Roles.Hospital))
        {
            var keySets = await metadata.KeySets.ListAsync(TenantId, cancellationToken).ConfigureAwait(false);
            KeySets = keySets.Count;
            KeyBytes = keySets.Sum(k => k.Parts.Sum(p => p.Bytes));
            var jobs = await metadata.Jobs.ListAsync(TenantId, 1000, cancellationToken).ConfigureAwait(false);
            JobsRunning = jobs.Count(j => j.State == JobState.Running);
            JobsQueued = jobs.Count(j => j.State == JobState.Queued);
            Datasets = (await metadata.Datasets.ListAccessibleAsync(TenantId, cancellationToken).ConfigureAwait(false)).Count;
        }

        if (User.IsInRole(Roles.Hospital) || User.IsInRole(Roles.ModelAdmin))
        {
            Models = (await metadata.Models.ListVisibleAsync(TenantId, cancellationToken).ConfigureAwait(false)).Count;
        }

        if (MayAudit(User))
        {
            var (tenant, all) = AuditScope(User);
            var since = time.GetUtcNow().AddDays(-1);
            long entries = 0;
            await foreach (var entry in metadata.Audit.ReadAsync(tenant, all, 0, null, null, cancellationToken).ConfigureAwait(false))
            {
                entries++;
                if (entry.Timestamp >= since && entry.Path.StartsWith("/v1", StringComparison.Ordinal))
                {
                    CallsLastDay++;
                    RateLimitHits += entry.Status == StatusCodes.Status429TooManyRequests ? 1 : 0;
                }
            }

            AuditEntries = entries;
        }

        if (User.IsGlobalAdmin())
        {
            Tenants = await metadata.Tenants.ListAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
