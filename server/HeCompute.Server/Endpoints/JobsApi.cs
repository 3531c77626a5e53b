using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Jobs;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

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
        group.MapPost("/{jobId}/cancel", Cancel).WithName("jobs.cancel").WithSummary("Cancel a queued or running job")
            .ProducesProblem(StatusCodes.Status409Conflict);
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

    private static async Task<Ok<JobResponse>> Get(string jobId, HttpContext context, JobService jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok((await jobs.GetAsync(context.User.GetTenantId(), jobId, context.Audit(), cancellationToken).ConfigureAwait(false)).ToResponse());

    private static async Task<Accepted<JobResponse>> Cancel(string jobId, HttpContext context, JobService jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.CancelAsync(context.User.GetTenantId(), jobId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/v1/jobs/{jobId}", job.ToResponse());
    }

    private static async Task<FileStreamHttpResult> Download(
        string jobId, string name, HttpContext context, JobService jobs, CancellationToken cancellationToken)
    {
        var result = await jobs.OpenResultAsync(context.User.GetTenantId(), jobId, name, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Stream(result, "application/octet-stream", fileDownloadName: name);
    }
}
