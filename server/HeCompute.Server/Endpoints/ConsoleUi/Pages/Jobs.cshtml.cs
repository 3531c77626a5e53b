using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Jobs;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>The tenant's jobs (the API's hospital policy): progress, updated live from the event stream, cancel, result downloads.</summary>
[Authorize(Policy = Policies.Hospital, AuthenticationSchemes = ConsoleAuth.Scheme)]
public sealed class JobsModel(IMetadataStore metadata, JobService jobs) : ConsolePage
{
    /// <summary>How many jobs the page lists (the API's default page).</summary>
    public const int Limit = 100;

    /// <summary>The jobs as <c>GET /v1/jobs</c> returns them, newest first.</summary>
    public IReadOnlyList<JobResponse> Jobs { get; private set; } = [];

    /// <summary>The outcome of a cancel.</summary>
    public string? Message { get; private set; }

    /// <summary>Lists.</summary>
    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>Asks one of the tenant's jobs to stop; another tenant's id is not found, as in the API.</summary>
    public async Task<IActionResult> OnPostCancelAsync(string id, CancellationToken cancellationToken)
    {
        var record = new AuditRecord();
        var job = await jobs.CancelAsync(TenantId, id, record, cancellationToken).ConfigureAwait(false);
        await ConsoleAudit.AppendAsync(HttpContext, "console.jobs.cancel", record, StatusCodes.Status200OK).ConfigureAwait(false);
        Message = $"Job {job.Id} is {job.State.ToString().ToLowerInvariant()}.";
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Jobs = [.. (await metadata.Jobs.ListAsync(TenantId, Limit, cancellationToken).ConfigureAwait(false)).Select(j => j.ToResponse())];
}
