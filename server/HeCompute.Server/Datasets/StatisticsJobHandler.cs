using HeCompute.Analytics;
using HeCompute.Analytics.Planning;
using HeCompute.Analytics.Privacy;
using HeCompute.Analytics.Statistics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Compute;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Options;
using HeCompute.Server.Plans;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Datasets;

/// <summary>
/// Cohort statistics of a dataset: each batch is accumulated into the encrypted moments and, for a dataset with
/// categories, the group sums of squares (progress per batch); the result is finished into <c>sums</c>,
/// <c>products-k</c>, <c>group-squares-i</c> (one per category) and, when asked, <c>mean</c>, <c>variance</c> and
/// <c>stddev</c> under encryption; every result is switched to the plan's output level and, when asked, noise-flooded.
/// Resumable: every <c>Analytics:StatisticsCheckpointInterval</c> batches the partial aggregate is checkpointed as
/// blobs, and a run resumed after a restart continues from it.
/// </summary>
public sealed partial class StatisticsJobHandler(
    IMetadataStore metadata,
    IBlobStore blobs,
    KeySetService keySets,
    IComputeScheduler compute,
    IOptions<HeComputeServerOptions> options,
    HeComputeMetrics metrics,
    ILogger<StatisticsJobHandler> logger) : IJobHandler
{
    /// <inheritdoc/>
    public static string Kind => StatisticsJobInput.Kind;

    /// <inheritdoc/>
    public static bool Resumable => true;

    /// <inheritdoc/>
    public async Task<JobOutput> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.ReadInput<StatisticsJobInput>();
        var found = await metadata.Datasets.GetAccessibleAsync(context.TenantId, input.DatasetId, cancellationToken).ConfigureAwait(false);
        if (found is not { Access: DatasetAccess.Owner } owned)
        {
            throw new JobFailedException($"Dataset {input.DatasetId} no longer exists.");
        }

        var dataset = owned.Dataset;
        var keys = await keySets.GetKeysAsync(context.TenantId, input.KeySetId, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Key set {input.KeySetId} no longer exists.");
        var document = StoredPlans.Read(dataset.PlanJson);
        StatisticsPlan plan;
        try
        {
            plan = await compute.RunAsync(new ComputeRequest("dataset-plan"), _ => DatasetPlanning.Rebuild(dataset, document.Parameters.ParmsId), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new JobFailedException(ex.Message, ex);
        }

        var evaluation = new EvaluationContext(keys.Keys.Context, document.Parameters.Scale, keys.Keys.EvaluationKeys);
        var maxBytes = CiphertextInput.MaxBytes(document);
        var batches = (await metadata.Datasets.ListBatchesAsync(dataset.Id, cancellationToken).ConfigureAwait(false)).ToDictionary(b => b.Id, StringComparer.Ordinal);
        var interval = options.Value.Analytics.StatisticsCheckpointInterval;

        var indicators = plan.IndicatorColumns;
        var resumed = await StatisticsCheckpoint.LoadAsync(context, compute, evaluation.Parameters, plan.Layout, plan.FeatureCount, indicators, maxBytes, cancellationToken).ConfigureAwait(false);
        var done = resumed?.Batches ?? 0;
        if (resumed is not null)
        {
            LogResumed(logger, context.JobId, done, input.BatchIds.Count);
        }

        var records = resumed?.Records ?? 0;
        var total = resumed?.Aggregate;
        var groups = resumed?.Groups;
        var steps = input.BatchIds.Count + 1;
        for (var i = done; i < input.BatchIds.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!batches.TryGetValue(input.BatchIds[i], out var batch))
            {
                throw new JobFailedException($"Batch {input.BatchIds[i]} was deleted while the job ran.");
            }

            var bytes = await ReadBlobAsync(batch.Sha256, cancellationToken).ConfigureAwait(false);
            var (previous, previousGroups) = (total, groups);
            (total, groups) = await compute.RunAsync(
                new ComputeRequest("statistics"),
                ct =>
                {
                    // The work's token reaches every key switch, so a cancelled or stopped job stops computing.
                    var run = evaluation.WithCancellation(ct);
                    using var ciphertext = CiphertextInput.Load(bytes, run.Parameters, document, $"Batch {batch.Id}");
                    var aggregate = CohortStatistics.Accumulate(run, plan.Layout, ciphertext);
                    // The group squares reuse this batch's own products, so they are taken before it joins the total.
                    var batchGroups = indicators.Count > 0 ? GroupStatistics.Accumulate(run, ciphertext, aggregate, plan.FeatureCount, indicators) : null;
                    if (previous is null)
                    {
                        return (aggregate, batchGroups);
                    }

                    // Addition order does not change CKKS noise (errors add either way), so a running total is as good as a tree.
                    var sum = previous.Add(run, aggregate);
                    Dispose(aggregate);
                    Dispose(previous);
                    var groupSum = batchGroups;
                    if (previousGroups is not null && batchGroups is not null)
                    {
                        groupSum = previousGroups.Add(run, batchGroups);
                        Dispose(batchGroups);
                        Dispose(previousGroups);
                    }

                    return (sum, groupSum);
                },
                cancellationToken).ConfigureAwait(false);
            metrics.RecordHomomorphicOperations("statistics-accumulate");
            records += batch.Records;
            if ((i + 1) % interval == 0 && i + 1 < input.BatchIds.Count)
            {
                await StatisticsCheckpoint.SaveAsync(context, total, groups, i + 1, records, maxBytes, cancellationToken).ConfigureAwait(false);
            }

            await context.ReportProgressAsync((i + 1.0) / steps, $"batch {i + 1} of {input.BatchIds.Count}", CancellationToken.None).ConfigureAwait(false);
        }

        if (total is null)
        {
            throw new JobFailedException("The job has no batches to aggregate.");
        }

        var results = await compute.RunAsync(
            new ComputeRequest("statistics"), ct => Finish(evaluation.WithCancellation(ct), plan, total, groups, records, input, keys.Keys.PublicKey), cancellationToken).ConfigureAwait(false);
        Dispose(total);
        Dispose(groups);
        metrics.RecordHomomorphicOperations("statistics-finish");
        foreach (var (name, ciphertext) in results)
        {
            await StoreAsync(context, name, ciphertext, cancellationToken).ConfigureAwait(false);
        }

        var floodingBits = input.NoiseFlooding ? NoiseFlooding.Bits(plan.FloodingStandardDeviation, document.Parameters.Scale) : 0;
        return JobOutput.Of(new StatisticsJobOutput(records, input.BatchIds.Count, [.. results.Select(r => r.Name)], floodingBits));
    }

    /// <summary>Sums over the records, finishes, drops to the output level and floods; the results in order.</summary>
    private static List<(string Name, Ciphertext Ciphertext)> Finish(
        EvaluationContext context, StatisticsPlan plan, EncryptedAggregate total, GroupAggregate? groups, long records, StatisticsJobInput input, PublicKey? publicKey)
    {
        var finished = CohortStatistics.Finish(context, total);
        var named = new List<(string Name, Ciphertext Ciphertext)> { (StatisticsProtocol.Sums, finished[0]) };
        for (var k = 1; k < finished.Count; k++)
        {
            named.Add((StatisticsProtocol.Products(k - 1), finished[k]));
        }

        if (groups is not null)
        {
            var squares = GroupStatistics.Finish(context, groups);
            for (var i = 0; i < squares.Count; i++)
            {
                named.Add((StatisticsProtocol.GroupSquares(i), squares[i]));
            }
        }

        if (input.EncryptedFinish)
        {
            var moments = (plan.Finishing ?? throw new JobFailedException("The dataset's plan has no encrypted finishing.")).Finish(context, finished, records);
            named.Add((StatisticsProtocol.Mean, moments.Mean));
            named.Add((StatisticsProtocol.Variance, moments.Variance));
            named.Add((StatisticsProtocol.StandardDeviation, moments.StandardDeviation));
        }

        var results = new List<(string Name, Ciphertext Ciphertext)>(named.Count);
        foreach (var (name, ciphertext) in named)
        {
            var output = plan.ToOutputLevel(context, ciphertext);
            if (!ReferenceEquals(output, ciphertext))
            {
                ciphertext.Dispose();
            }

            if (input.NoiseFlooding)
            {
                var flooded = NoiseFlooding.Apply(
                    context, publicKey ?? throw new JobFailedException("The key set has no public key to flood with."), output, plan.FloodingStandardDeviation);
                output.Dispose();
                output = flooded;
            }

            results.Add((name, output));
        }

        return results;
    }

    private async Task<byte[]> ReadBlobAsync(string sha256, CancellationToken cancellationToken)
    {
        var stream = blobs.OpenRead(sha256);
        await using (stream.ConfigureAwait(false))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    private static void Dispose(EncryptedAggregate aggregate)
    {
        aggregate.Sums.Dispose();
        foreach (var product in aggregate.Products)
        {
            product.Dispose();
        }
    }

    private static void Dispose(GroupAggregate? groups)
    {
        foreach (var square in groups?.Squares ?? [])
        {
            square.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics job {JobId} resumed from its checkpoint after {Done} of {Total} batches")]
    private static partial void LogResumed(ILogger logger, string jobId, int done, int total);

    private static async Task StoreAsync(JobContext context, string name, Ciphertext ciphertext, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        ciphertext.Save(buffer);
        ciphertext.Dispose();
        buffer.Position = 0;
        await context.AddResultAsync(name, buffer, buffer.Length, cancellationToken).ConfigureAwait(false);
    }
}
