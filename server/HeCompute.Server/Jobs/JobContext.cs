using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Jobs;

/// <summary>What a handler sees of its job, and how it reports progress, checkpoints and results.</summary>
public sealed class JobContext
{
    private readonly IJobStore _jobs;
    private readonly IJobLeaseStore _leases;
    private readonly long _token;
    private readonly IBlobStore _blobs;
    private readonly BlobCollector _collector;

    internal JobContext(JobLease lease, IServiceProvider services, IJobStore jobs, IJobLeaseStore leases, IBlobStore blobs, BlobCollector collector)
    {
        Job = lease.Job;
        _token = lease.Token;
        Services = services;
        _jobs = jobs;
        _leases = leases;
        _blobs = blobs;
        _collector = collector;
    }

    /// <summary>The job as claimed.</summary>
    public JobRecord Job { get; }

    /// <summary>Job id.</summary>
    public string JobId => Job.Id;

    /// <summary>The tenant that owns the job (use it for every lookup).</summary>
    public string TenantId => Job.TenantId;

    /// <summary>Which start this is (1 for the first).</summary>
    public int Attempt => Job.Attempts;

    /// <summary>Whether this run resumes one interrupted by a restart.</summary>
    public bool IsResume => Job.Attempts > 1;

    /// <summary>The last checkpoint saved by an earlier run, if any.</summary>
    public string? Checkpoint => Job.Checkpoint;

    /// <summary>The run's service scope.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The job's input, deserialized with the API's JSON conventions.</summary>
    /// <exception cref="JobFailedException">The input is missing or not of this shape.</exception>
    public T ReadInput<T>()
    {
        try
        {
            return Job.Input is null
                ? throw new JobFailedException("The job has no input.")
                : JsonSerializer.Deserialize<T>(Job.Input, HeComputeJson.Options) ?? throw new JobFailedException("The job input is null.");
        }
        catch (JsonException ex)
        {
            throw new JobFailedException("The job input is not valid: " + ex.Message, ex);
        }
    }

    /// <summary>Records progress (0 to 1) and optionally what is being done.</summary>
    public Task ReportProgressAsync(double fraction, string? message = null, CancellationToken cancellationToken = default) =>
        _jobs.UpdateProgressAsync(JobId, fraction, message, cancellationToken);

    /// <summary>Saves where the job is, so a resumed run can continue from there.</summary>
    /// <exception cref="JobLeaseLostException">Another runner holds the job now; nothing was saved.</exception>
    public async Task SaveCheckpointAsync(string checkpoint, CancellationToken cancellationToken = default)
    {
        if (!await _leases.SaveCheckpointAsync(JobId, _token, checkpoint, cancellationToken).ConfigureAwait(false))
        {
            throw JobLeaseLostException.For(JobId);
        }
    }

    /// <summary>
    /// Saves where the job is together with the intermediate state a resumed run needs (e.g. a partial encrypted
    /// aggregate), streamed to blobs; the checkpoint and its blobs replace the previous ones in one step.
    /// </summary>
    /// <param name="checkpoint">What the handler reads back from <see cref="Checkpoint"/>.</param>
    /// <param name="blobs">Named contents, read back with <see cref="OpenCheckpointBlobAsync"/>.</param>
    /// <param name="maxBytes">Upper bound on each blob.</param>
    /// <param name="cancellationToken">Cancels the upload (the previous checkpoint then stays).</param>
    /// <exception cref="JobLeaseLostException">Another runner holds the job now; nothing was saved.</exception>
    public async Task SaveCheckpointAsync(string checkpoint, IReadOnlyDictionary<string, Stream> blobs, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(blobs);
        var staged = new List<(string Name, StagedBlob Blob)>();
        try
        {
            foreach (var (name, content) in blobs)
            {
                staged.Add((name, await _blobs.StageAsync(content, maxBytes, cancellationToken).ConfigureAwait(false)));
            }

            var (saved, released) = await _collector.WithLockAsync(async () =>
            {
                foreach (var (_, blob) in staged)
                {
                    await _blobs.CommitAsync(blob, CancellationToken.None).ConfigureAwait(false);
                }

                return await _leases.SaveCheckpointAsync(
                    JobId, _token, TenantId, checkpoint, [.. staged.Select(s => new BlobReference(s.Name, s.Blob.Sha256, s.Blob.Length))], CancellationToken.None)
                    .ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            await _collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
            if (!saved)
            {
                throw JobLeaseLostException.For(JobId);
            }
        }
        finally
        {
            foreach (var (_, blob) in staged)
            {
                blob.Dispose();
            }
        }
    }

    /// <summary>Opens a blob of the last checkpoint saved with <see cref="SaveCheckpointAsync(string, IReadOnlyDictionary{string, Stream}, long, CancellationToken)"/>.</summary>
    /// <exception cref="JobFailedException">The checkpoint has no such blob.</exception>
    public async Task<Stream> OpenCheckpointBlobAsync(string name, CancellationToken cancellationToken = default)
    {
        var saved = await _jobs.ListCheckpointBlobsAsync(JobId, cancellationToken).ConfigureAwait(false);
        var blob = saved.FirstOrDefault(b => b.Name == name) ?? throw new JobFailedException($"The job's checkpoint has no '{name}'; it cannot be resumed.");
        return _blobs.OpenRead(blob.Sha256);
    }

    /// <summary>Opens the job's input blob of this name (see <see cref="JobQueue"/>).</summary>
    /// <exception cref="JobFailedException">The job has no such input (its data was erased).</exception>
    public async Task<Stream> OpenInputAsync(string name, CancellationToken cancellationToken = default)
    {
        var inputs = await _jobs.ListInputsAsync(JobId, cancellationToken).ConfigureAwait(false);
        var input = inputs.FirstOrDefault(i => i.Name == name) ?? throw new JobFailedException($"The job's input '{name}' is gone.");
        return _blobs.OpenRead(input.Sha256);
    }

    /// <summary>Stores a named result (e.g. a SEAL-format ciphertext), streamed to the blob store; replaces one of the same name.</summary>
    /// <exception cref="JobFailedException">The job no longer exists (its tenant's data was erased).</exception>
    /// <exception cref="JobLeaseLostException">Another runner holds the job now; nothing was added.</exception>
    public async Task<BlobReference> AddResultAsync(string name, Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var staged = await _blobs.StageAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        var reference = new BlobReference(name, staged.Sha256, staged.Length);
        var added = await _collector.WithLockAsync(async () =>
        {
            if (await _jobs.GetByIdAsync(JobId, CancellationToken.None).ConfigureAwait(false) is null)
            {
                throw new JobFailedException("The job was deleted while running.");
            }

            await _blobs.CommitAsync(staged, CancellationToken.None).ConfigureAwait(false);
            return await _leases.AddResultAsync(JobId, _token, TenantId, reference, CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!added)
        {
            await _collector.ReleaseAsync([reference.Sha256], CancellationToken.None).ConfigureAwait(false);
            throw JobLeaseLostException.For(JobId);
        }

        return reference;
    }
}
