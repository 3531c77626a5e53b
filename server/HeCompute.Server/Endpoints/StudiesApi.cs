using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using HeCompute.Server.Studies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Joint studies (hospital role): creation, joining, the key-ceremony rounds, record uploads under the collective key,
/// statistics and releases to a querier. Participants see the study; every other tenant gets 404, except that a
/// release's querier downloads its released ciphertext.
/// </summary>
public static class StudiesApi
{
    private const string ShareName = "The share";

    /// <summary>Maps <c>/v1/studies</c>.</summary>
    public static IEndpointRouteBuilder MapStudies(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var json = app.JsonBodyLimit();
        var group = app.MapGroup("/v1/studies").WithTags("Studies").RequireAuthorization(Policies.Hospital);
        group.MapPost("/", Create).WithName("studies.create").WithMetadata(json)
            .WithSummary("Create a joint study: participants, the statistics plan and the common reference seed of its key ceremony");
        group.MapGet("/", List).WithName("studies.list").WithSummary("Studies this tenant participates in");
        group.MapGet("/{studyId}", Get).WithName("studies.get").WithSummary("A study: participants, seed, plan and the progress of every round");
        group.MapPost("/{studyId}/join", Join).WithName("studies.join").WithSummary("Join a study (every participant must before the first round)");
        group.MapPost("/{studyId}/rounds/{round}/shares", SubmitShare).WithName("studies.shares.submit")
            .WithSummary("Send this participant's share of a round (ckg, rkg-1, rkg-2, rtg with ?element=); once per round")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{studyId}/keys/{name}", GetKey).WithName("studies.keys.get")
            .WithSummary("A collective key or aggregate: public_key, rkg-1 (for round two), relin_keys, galois_keys")
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType);
        group.MapPost("/{studyId}/batches", AppendBatch).WithName("studies.batches.append")
            .WithSummary("Append one ciphertext of records encrypted under the collective public key")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{studyId}/statistics", RequestStatistics).WithName("studies.statistics").WithMetadata(json)
            .WithSummary("Compute the study's statistics as a job over every participant's records")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{studyId}/jobs/{jobId}", GetJob).WithName("studies.jobs.get").WithSummary("A statistics job of the study");
        group.MapPost("/{studyId}/releases", RequestRelease).WithName("studies.releases.create")
            .WithSummary("Ask for the release of one job result to a querier (?job_id=&result=&querier=; body: the querier's SEAL public key)")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{studyId}/releases", ListReleases).WithName("studies.releases.list").WithSummary("Every release of the study");
        group.MapGet("/{studyId}/releases/{releaseId}", GetRelease).WithName("studies.releases.get").WithSummary("A release and its approvals");
        group.MapGet("/{studyId}/releases/{releaseId}/ciphertext", GetReleaseCiphertext).WithName("studies.releases.ciphertext")
            .WithSummary("The result ciphertext a decryption share is made for")
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType);
        group.MapGet("/{studyId}/releases/{releaseId}/querier-key", GetQuerierKey).WithName("studies.releases.querier-key")
            .WithSummary("The querier's public key a decryption share switches to")
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType);
        group.MapPost("/{studyId}/releases/{releaseId}/shares", SubmitReleaseShare).WithName("studies.releases.shares.submit")
            .WithSummary("Approve a release with this participant's decryption share; once per release")
            .Accepts<byte[]>(OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{studyId}/releases/{releaseId}/result", GetReleased).WithName("studies.releases.result")
            .WithSummary("The released ciphertext, under the querier's key (the querier only)")
            .Produces(StatusCodes.Status200OK, contentType: OctetStreamBody.MediaType)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Created<StudyResponse>> Create(CreateStudyRequest request, HttpContext context, StudyService studies, CancellationToken cancellationToken)
    {
        var view = await studies.CreateAsync(context.User.GetTenantId(), request, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/studies/{view.Study.Id}", ToResponse(view));
    }

    private static async Task<Ok<StudyListResponse>> List(HttpContext context, StudyService studies, CancellationToken cancellationToken)
    {
        var views = await studies.ListAsync(context.User.GetTenantId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new StudyListResponse([.. views.Select(ToResponse)]));
    }

    private static async Task<Ok<StudyResponse>> Get(string studyId, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await studies.GetAsync(context.User.GetTenantId(), studyId, context.Audit(), cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<StudyResponse>> Join(string studyId, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await studies.JoinAsync(context.User.GetTenantId(), studyId, context.Audit(), cancellationToken).ConfigureAwait(false)));

    private static async Task<Created<StudyShareResponse>> SubmitShare(
        string studyId, string round, [FromQuery(Name = "element")] uint? element, HttpContext context, StudyService studies, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var (share, complete) = await studies.SubmitShareAsync(
            context.User.GetTenantId(), studyId, round, element, Stage(context, blobs), context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/studies/{studyId}", ToResponse(share, complete));
    }

    private static async Task<FileStreamHttpResult> GetKey(string studyId, string name, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Stream(await studies.OpenBlobAsync(context.User.GetTenantId(), studyId, name, context.Audit(), cancellationToken).ConfigureAwait(false), OctetStreamBody.MediaType);

    private static async Task<Created<DatasetBatchResponse>> AppendBatch(
        string studyId, [FromQuery(Name = "records")] int? records, HttpContext context, StudyService studies, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var batch = await studies.AppendBatchAsync(
            context.User.GetTenantId(), studyId, records,
            (maxBytes, ct) => OctetStreamBody.StageAsync(context.Request, blobs, maxBytes, "The batch ciphertext", ct),
            context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/studies/{studyId}", batch.ToResponse());
    }

    private static async Task<Accepted<JobResponse>> RequestStatistics(
        string studyId, StatisticsRequest? request, HttpContext context, StudyService studies, CancellationToken cancellationToken)
    {
        var job = await studies.RequestStatisticsAsync(context.User.GetTenantId(), studyId, request ?? new StatisticsRequest(), context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/v1/studies/{studyId}/jobs/{job.Id}", job.ToResponse());
    }

    private static async Task<Ok<JobResponse>> GetJob(string studyId, string jobId, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Ok((await studies.GetJobAsync(context.User.GetTenantId(), studyId, jobId, context.Audit(), cancellationToken).ConfigureAwait(false)).ToResponse());

    private static async Task<Created<StudyReleaseResponse>> RequestRelease(
        string studyId,
        [FromQuery(Name = "job_id")] string? jobId,
        [FromQuery(Name = "result")] string? result,
        [FromQuery(Name = "querier")] string? querier,
        HttpContext context,
        StudyService studies,
        IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        var release = await studies.RequestReleaseAsync(
            context.User.GetTenantId(), studyId, jobId, result, querier,
            (maxBytes, ct) => OctetStreamBody.StageAsync(context.Request, blobs, maxBytes, "The querier's public key", ct),
            context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/studies/{studyId}/releases/{release.Id}", ToResponse(release, []));
    }

    private static async Task<Ok<StudyReleaseListResponse>> ListReleases(string studyId, HttpContext context, StudyService studies, CancellationToken cancellationToken)
    {
        var releases = await studies.ListReleasesAsync(context.User.GetTenantId(), studyId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new StudyReleaseListResponse([.. releases.Select(r => ToResponse(r.Release, r.Approvals))]));
    }

    private static async Task<Ok<StudyReleaseResponse>> GetRelease(string studyId, string releaseId, HttpContext context, StudyService studies, CancellationToken cancellationToken)
    {
        var (release, approvals) = await studies.GetReleaseAsync(context.User.GetTenantId(), studyId, releaseId, context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ToResponse(release, approvals));
    }

    private static async Task<FileStreamHttpResult> GetReleaseCiphertext(string studyId, string releaseId, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Stream(
            await studies.OpenReleaseInputAsync(context.User.GetTenantId(), studyId, releaseId, querierKey: false, context.Audit(), cancellationToken).ConfigureAwait(false),
            OctetStreamBody.MediaType);

    private static async Task<FileStreamHttpResult> GetQuerierKey(string studyId, string releaseId, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Stream(
            await studies.OpenReleaseInputAsync(context.User.GetTenantId(), studyId, releaseId, querierKey: true, context.Audit(), cancellationToken).ConfigureAwait(false),
            OctetStreamBody.MediaType);

    private static async Task<Created<StudyShareResponse>> SubmitReleaseShare(
        string studyId, string releaseId, HttpContext context, StudyService studies, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var (share, released) = await studies.SubmitReleaseShareAsync(
            context.User.GetTenantId(), studyId, releaseId, Stage(context, blobs), context.Audit(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v1/studies/{studyId}/releases/{releaseId}", ToResponse(share, released));
    }

    private static async Task<FileStreamHttpResult> GetReleased(string studyId, string releaseId, HttpContext context, StudyService studies, CancellationToken cancellationToken) =>
        TypedResults.Stream(
            await studies.OpenReleasedAsync(context.User.GetTenantId(), studyId, releaseId, context.Audit(), cancellationToken).ConfigureAwait(false),
            OctetStreamBody.MediaType);

    private static Func<long, CancellationToken, Task<StagedBlob>> Stage(HttpContext context, IBlobStore blobs) =>
        (maxBytes, ct) => OctetStreamBody.StageAsync(context.Request, blobs, maxBytes, ShareName, ct);

    private static StudyResponse ToResponse(StudyView view) => new(
        view.Study.Id,
        view.Study.Name,
        view.Study.TenantId,
        view.Party,
        [.. view.Study.Participants.Select(p => new StudyParticipant(p.TenantId, p.Party, p.JoinedAt is not null))],
        view.Study.Seed,
        view.Study.Threshold,
        view.Plan.Keys.GaloisElements,
        view.Rounds,
        view.Study.KeySetId,
        view.Study.DatasetId,
        view.Plan,
        view.Dataset.Columns,
        view.Study.CreatedAt);

    private static StudyShareResponse ToResponse(StudyShareRecord share, bool complete) =>
        new(share.Round.StartsWith("release:", StringComparison.Ordinal) ? "release" : share.Round, share.GaloisElement, share.Party, share.Sha256, share.Bytes, complete);

    private static StudyReleaseResponse ToResponse(StudyReleaseRecord release, IReadOnlyList<int> approvals) => new(
        release.Id, release.StudyId, release.RequestedBy, release.QuerierTenantId, release.JobId, release.Result, release.Ciphertext.Sha256,
        release.QuerierKey.Sha256, approvals, release.Released is not null, release.CreatedAt, release.ReleasedAt);
}
