using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Jobs;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Endpoints;

/// <summary>Jobs (hospital role). Jobs are created by the endpoints of their kind (predict, statistics).</summary>
public static class JobsApi
{
    /// <summary>Maps <c>/v1/jobs</c>.</summary>
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/jobs").WithTags("Jobs").RequireAuthorization(Policies.Hospital)
            .WithMetadata(app.JsonBodyLimit());
        group.MapGet("/", List).WithName("jobs.list").WithSummary("This tenant's jobs, newest first");
        group.MapGet("/{jobId}", Get).WithName("jobs.get").WithSummary("A job's state, progress and results");
        group.MapPost("/{jobId}/cancel", Cancel).WithName("jobs.cancel").WithSummary("Cancel a queued or running job");
        group.MapGet("/{jobId}/results/{name}", Download).WithName("jobs.results.get")
            .WithSummary("Download a result (SEAL-format bytes)")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        return app;
    }

    private static async Task<Ok<JobListResponse>> List(HttpContext context, IMetadataStore metadata, int? limit, CancellationToken cancellationToken)
    {
        var jobs = await metadata.Jobs.ListAsync(context.User.GetTenantId(), Math.Clamp(limit ?? 100, 1, 1000), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new JobListResponse([.. jobs.Select(j => j.ToResponse())]));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Get(
        string jobId, HttpContext context, IMetadataStore metadata, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(jobId);
        var job = await metadata.Jobs.GetAsync(context.User.GetTenantId(), jobId, cancellationToken).ConfigureAwait(false);
        return job is null ? Problems.NotFound("job") : TypedResults.Ok(job.ToResponse());
    }

    private static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> Cancel(
        string jobId, HttpContext context, IMetadataStore metadata, JobCancellations cancellations, TimeProvider time,
        IOptions<HeComputeServerOptions> options, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(jobId);
        var tenantId = context.User.GetTenantId();
        var now = time.GetUtcNow();
        var outcome = await metadata.Jobs.RequestCancelAsync(tenantId, jobId, now, now + options.Value.Jobs.ResultRetention, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case CancelOutcome.NotFound:
                return Problems.NotFound("job");
            case CancelOutcome.AlreadyFinished:
                return Problems.Conflict("The job has already finished.");
            case CancelOutcome.CancelRequested:
                cancellations.Cancel(jobId);
                break;
        }

        var job = await metadata.Jobs.GetAsync(tenantId, jobId, cancellationToken).ConfigureAwait(false);
        return job is null ? Problems.NotFound("job") : TypedResults.Accepted($"/v1/jobs/{jobId}", job.ToResponse());
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        string jobId, string name, HttpContext context, IMetadataStore metadata, IBlobStore blobs, CancellationToken cancellationToken)
    {
        context.Audit().ObjectIds.Add(jobId);
        var job = await metadata.Jobs.GetAsync(context.User.GetTenantId(), jobId, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return Problems.NotFound("job");
        }

        var result = job.State == JobState.Succeeded ? job.Results.FirstOrDefault(r => r.Name == name) : null;
        if (result is null)
        {
            return Problems.NotFound("result of this name (results are available once the job has succeeded)");
        }

        context.Audit().BodiesOut.Add(result.Sha256);
        return TypedResults.Stream(blobs.OpenRead(result.Sha256), "application/octet-stream", fileDownloadName: name);
    }
}
