using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Errors;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Jobs;

/// <summary>A tenant's view of its jobs: state, cancellation and results.</summary>
public sealed class JobService(
    IMetadataStore metadata, IBlobStore blobs, JobCancellations cancellations, TimeProvider time, IOptions<HeComputeServerOptions> options)
{
    /// <summary>The tenant's job.</summary>
    /// <exception cref="NotFoundException">The tenant has no job with this id.</exception>
    public async Task<JobRecord> GetAsync(string tenantId, string jobId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(jobId);
        return await metadata.Jobs.GetAsync(tenantId, jobId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("job");
    }

    /// <summary>Cancels a queued job, or asks a running one to stop; returns the job as it now stands.</summary>
    /// <exception cref="DomainException">Not found, or <see cref="DomainErrorKind.Conflict"/> for a finished job.</exception>
    public async Task<JobRecord> CancelAsync(string tenantId, string jobId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(jobId);
        var now = time.GetUtcNow();
        var outcome = await metadata.Jobs.RequestCancelAsync(tenantId, jobId, now, now + options.Value.Jobs.ResultRetention, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case CancelOutcome.NotFound:
                throw new NotFoundException("job");
            case CancelOutcome.AlreadyFinished:
                throw DomainErrors.Conflict("The job has already finished.");
            case CancelOutcome.CancelRequested:
                cancellations.Cancel(jobId);
                break;
        }

        return await metadata.Jobs.GetAsync(tenantId, jobId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("job");
    }

    /// <summary>Opens a result of the tenant's succeeded job.</summary>
    /// <exception cref="NotFoundException">No such job, or no result of this name (yet).</exception>
    public async Task<Stream> OpenResultAsync(string tenantId, string jobId, string name, AuditRecord audit, CancellationToken cancellationToken)
    {
        var job = await GetAsync(tenantId, jobId, audit, cancellationToken).ConfigureAwait(false);
        var result = (job.State == JobState.Succeeded ? job.Results.FirstOrDefault(r => r.Name == name) : null)
            ?? throw new NotFoundException("result of this name (results are available once the job has succeeded)");
        audit.BodiesOut.Add(result.Sha256);
        return blobs.OpenRead(result.Sha256);
    }
}
