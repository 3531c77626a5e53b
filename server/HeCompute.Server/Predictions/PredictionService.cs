using System.Diagnostics;
using System.Security.Cryptography;
using HeCompute.Analytics;
using HeCompute.Contracts;
using HeCompute.Server.Audit;
using HeCompute.Server.Caching;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Compute;
using HeCompute.Server.Errors;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Options;
using HeCompute.Server.Plans;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Predictions;

/// <summary>The result of a synchronous prediction.</summary>
/// <param name="Output">The serialized result ciphertext.</param>
/// <param name="Records">Records the input held.</param>
/// <param name="Sha256">Hex SHA-256 of <paramref name="Output"/>.</param>
/// <param name="Compute">Time from handing the input to the key set's node to its result: the evaluation, plus a key load on a cache miss and the hop between nodes.</param>
public sealed record PredictionResult(byte[] Output, int Records, string Sha256, TimeSpan Compute);

/// <summary>
/// Predictions: opens sessions (a visible model, the tenant's key set checked against the plan, the compiled circuit),
/// evaluates one ciphertext within the time budget, and checks and enqueues batch jobs.
/// </summary>
/// <remarks>
/// A synchronous prediction is checked on the node that took the request (model, key set record, plan, records, input
/// size) and evaluated where the key set's keys live (<see cref="IPredictionPlacement"/>, which calls
/// <see cref="EvaluateHereAsync"/> on that node).
/// </remarks>
public sealed class PredictionService(
    KeySetService keySets,
    ModelService models,
    EvaluationMemory memory,
    JobQueue queue,
    IComputeScheduler compute,
    IPredictionPlacement placement,
    IMetadataStore metadata,
    HeComputeMetrics metrics,
    IOptions<HeComputeServerOptions> options,
    TimeProvider time)
{
    private const string InputName = "The input ciphertext";

    /// <summary>Prepares <paramref name="model"/> for evaluation with the tenant's key set.</summary>
    /// <param name="tenantId">The caller.</param>
    /// <param name="model">A model visible to the caller.</param>
    /// <param name="keySetId">The caller's key set.</param>
    /// <param name="newComputation">Whether this starts a computation (an expired key set is refused) or resumes an accepted job (it finishes).</param>
    /// <param name="cancellationToken">Aborts the preparation.</param>
    /// <exception cref="NotFoundException">The tenant has no key set with this id.</exception>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> without a key set id; <see cref="DomainErrorKind.ParmsMismatch"/>, <see cref="DomainErrorKind.MissingKey"/> or <see cref="DomainErrorKind.KeySetExpired"/>.</exception>
    public async Task<PredictionSession> OpenAsync(string tenantId, ModelRecord model, string? keySetId, bool newComputation, CancellationToken cancellationToken)
    {
        var (plan, keySet) = await CheckKeySetAsync(tenantId, model, keySetId, newComputation, cancellationToken).ConfigureAwait(false);
        var keys = await keySets.LoadKeysAsync(keySet, cancellationToken).ConfigureAwait(false);
        var compiled = await models.GetCompiledAsync(model, plan, cancellationToken).ConfigureAwait(false);
        // Encoded plaintexts go to the model's share of the server's memory budget, shared by every key set of these parameters.
        var context = new EvaluationContext(keys.Context, plan.Parameters.Scale, keys.EvaluationKeys, plaintexts: memory.PlaintextsOf(model.Id));
        return model.NoiseFlooding
            ? new PredictionSession(plan, compiled, context, keys.PublicKey, model.FloodingStandardDeviation)
            : new PredictionSession(plan, compiled, context, null, 0);
    }

    /// <summary>The model's plan and the tenant's key set record, checked against each other (no key is loaded).</summary>
    /// <exception cref="NotFoundException">The tenant has no key set with this id.</exception>
    /// <exception cref="DomainException">As <see cref="OpenAsync"/>.</exception>
    private async Task<(PlanDocument Plan, KeySetRecord KeySet)> CheckKeySetAsync(
        string tenantId, ModelRecord model, string? keySetId, bool newComputation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(keySetId))
        {
            throw DomainErrors.Invalid($"'{PredictProtocol.KeySetId}' is required: the key set whose evaluation keys the server uses.");
        }

        var plan = StoredPlans.Read(model.PlanJson);
        var keySet = await metadata.KeySets.GetAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException("key set");
        if (newComputation)
        {
            KeySetExpiry.RequireUnexpired(keySet, time.GetUtcNow());
        }

        PlanKeyCheck.Require(plan, keySet, needPublicKey: model.NoiseFlooding);
        return (plan, keySet);
    }

    /// <summary>Evaluates a model on one ciphertext within the time budget.</summary>
    /// <param name="tenantId">The caller.</param>
    /// <param name="modelId">A model visible to the caller.</param>
    /// <param name="keySetId">The caller's key set.</param>
    /// <param name="records">Records the input holds (null: a full ciphertext).</param>
    /// <param name="readInput">Reads the input, refusing more than the given number of bytes.</param>
    /// <param name="audit">Receives ids, hashes and the parms_id.</param>
    /// <param name="cancellationToken">Aborts the wait.</param>
    /// <exception cref="DomainException">Not found, an invalid input, or <see cref="DomainErrorKind.TimeBudgetExceeded"/>.</exception>
    public async Task<PredictionResult> PredictAsync(
        string tenantId, string modelId, string? keySetId, int? records, Func<long, CancellationToken, Task<byte[]>> readInput, AuditRecord audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readInput);
        ArgumentNullException.ThrowIfNull(audit);
        var model = await models.FindVisibleAsync(tenantId, modelId, audit, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(keySetId ?? "");
        var (plan, keySet) = await CheckKeySetAsync(tenantId, model, keySetId, newComputation: true, cancellationToken).ConfigureAwait(false);
        audit.ParmsId = plan.Parameters.ParmsId;
        var count = PredictionSession.CheckRecords(plan, records);
        var input = await readInput(CiphertextInput.MaxBytes(plan), cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.Add(Convert.ToHexStringLower(SHA256.HashData(input)));

        var started = Stopwatch.GetTimestamp();
        var output = await placement.EvaluateAsync(tenantId, keySet.Id, model.Id, count, input, cancellationToken).ConfigureAwait(false);
        var sha = Convert.ToHexStringLower(SHA256.HashData(output));
        audit.BodiesOut.Add(sha);
        return new PredictionResult(output, count, sha, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Evaluates a model on one ciphertext on this node, within the time budget: the second half of
    /// <see cref="PredictAsync"/>, on the node that holds the key set (its model and key set are looked up again, so
    /// one deleted in between is refused).
    /// </summary>
    /// <param name="tenantId">The caller.</param>
    /// <param name="keySetId">The caller's key set.</param>
    /// <param name="modelId">A model visible to the caller.</param>
    /// <param name="records">Records the input holds (checked already).</param>
    /// <param name="input">The input ciphertext.</param>
    /// <param name="cancellationToken">Aborts the evaluation.</param>
    /// <exception cref="DomainException">Not found, an invalid input, or <see cref="DomainErrorKind.TimeBudgetExceeded"/>.</exception>
    public async Task<byte[]> EvaluateHereAsync(string tenantId, string keySetId, string modelId, int records, byte[] input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = await metadata.Models.GetVisibleAsync(tenantId, modelId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("model");
        var session = await OpenAsync(tenantId, model, keySetId, newComputation: true, cancellationToken).ConfigureAwait(false);
        var output = await EvaluateWithinBudgetAsync(tenantId, session, input, session.CheckRecords(records), modelId, cancellationToken).ConfigureAwait(false);
        metrics.RecordHomomorphicOperations("model-evaluation");
        return output;
    }

    /// <summary>Checks a batch of inputs against the model's plan and the caller's key set, and enqueues the job.</summary>
    /// <param name="tenantId">The caller.</param>
    /// <param name="modelId">A model visible to the caller.</param>
    /// <param name="readUpload">Reads the upload, given the largest input and the most inputs accepted.</param>
    /// <param name="audit">Receives ids, hashes and the parms_id.</param>
    /// <param name="cancellationToken">Aborts the submission.</param>
    /// <exception cref="DomainException">Not found, or an invalid input (refused now, so it does not fail the job later).</exception>
    public async Task<JobRecord> SubmitJobAsync(
        string tenantId, string modelId, Func<long, int, CancellationToken, Task<PredictJobUpload>> readUpload, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readUpload);
        ArgumentNullException.ThrowIfNull(audit);
        var model = await models.FindVisibleAsync(tenantId, modelId, audit, cancellationToken).ConfigureAwait(false);
        var plan = StoredPlans.Read(model.PlanJson);
        using var upload = await readUpload(CiphertextInput.MaxBytes(plan), options.Value.Analytics.MaxBatchInputs, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(upload.KeySetId ?? "");
        audit.BodiesIn.AddRange(upload.Inputs.Select(i => i.Sha256));
        if (upload.Inputs.Count == 0)
        {
            throw DomainErrors.Invalid($"At least one '{PredictProtocol.Input}' part (a SEAL ciphertext) is required.");
        }

        if (upload.Records is { } counts && counts.Count != upload.Inputs.Count)
        {
            throw DomainErrors.Invalid($"'{PredictProtocol.Records}' lists {counts.Count} counts for {upload.Inputs.Count} inputs.");
        }

        var session = await OpenAsync(tenantId, model, upload.KeySetId, newComputation: true, cancellationToken).ConfigureAwait(false);
        audit.ParmsId = plan.Parameters.ParmsId;
        var records = await CheckInputsAsync(tenantId, session, upload, cancellationToken).ConfigureAwait(false);
        var inputs = new Dictionary<string, StagedBlob>(StringComparer.Ordinal);
        for (var i = 0; i < upload.Inputs.Count; i++)
        {
            inputs[PredictBatchInput.InputName(i)] = upload.Inputs[i];
        }

        var job = await queue.EnqueueAsync(tenantId, PredictProtocol.BatchJobKind, new PredictBatchInput(model.Id, upload.KeySetId!, records), inputs, cancellationToken)
            .ConfigureAwait(false);
        audit.ObjectIds.Add(job.Id);
        return job;
    }

    /// <summary>Runs the session on one input on the compute scheduler, giving up (and discarding the result) after the time budget.</summary>
    internal async Task<byte[]> EvaluateWithinBudgetAsync(string tenantId, PredictionSession session, byte[] input, int count, string modelId, CancellationToken cancellationToken)
    {
        var budget = options.Value.Analytics.PredictTimeBudget;
        try
        {
            // The budget runs from queueing; it and the request's abort token both cancel the work's token, which the
            // evaluation checks at every key switch, so an abandoned prediction stops computing.
            return await compute.RunAsync(
                new ComputeRequest("predict", budget, tenantId), ct => session.Predict(input, count, InputName, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ComputeDeadlineExceededException)
        {
            throw DomainErrors.TimeBudgetExceeded(
                $"The prediction did not finish within {budget.TotalSeconds:0.#} s; its result is discarded. " +
                $"Submit the ciphertext to POST /v1/models/{modelId}/predict-jobs instead.");
        }
    }

    /// <summary>Loads every staged input against the session (the heavy work of a submission); returns the record counts.</summary>
    private async Task<List<int>> CheckInputsAsync(string tenantId, PredictionSession session, PredictJobUpload upload, CancellationToken cancellationToken)
    {
        var records = new List<int>();
        for (var i = 0; i < upload.Inputs.Count; i++)
        {
            records.Add(session.CheckRecords(upload.Records?[i]));
            byte[] bytes;
            await using (var stream = upload.Inputs[i].OpenRead())
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }

            // Checked now, on the compute scheduler, so a malformed input is refused with its problem instead of failing the job later.
            var what = $"Input {i}";
            await compute.RunAsync(
                new ComputeRequest("ciphertext-load", TenantId: tenantId),
                _ =>
                {
                    CiphertextInput.Load(bytes, session.Context.Parameters, session.Plan, what).Dispose();
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }

        return records;
    }
}
