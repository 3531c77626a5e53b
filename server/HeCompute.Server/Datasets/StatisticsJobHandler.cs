using HeCompute.Analytics;
using HeCompute.Analytics.Statistics;
using HeCompute.Ckks;
using HeCompute.Contracts;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Predictions;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;

namespace HeCompute.Server.Datasets;

/// <summary>
/// Cohort statistics of a dataset: each batch is accumulated into encrypted moments (progress per batch), the
/// aggregates are combined as a balanced tree, and the result is finished into <c>sums</c> and <c>products-k</c>.
/// Not resumable: a run interrupted by a restart is failed with the reason (resubmitting it recomputes from the
/// stored batches, which are untouched).
/// </summary>
public sealed class StatisticsJobHandler(IMetadataStore metadata, IBlobStore blobs, KeySetService keySets, HeComputeMetrics metrics) : IJobHandler
{
    /// <inheritdoc/>
    public static string Kind => StatisticsJobInput.Kind;

    /// <inheritdoc/>
    public static bool Resumable => false;

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
        var plan = Predictor.ReadPlan(dataset.PlanJson);
        var evaluation = new EvaluationContext(keys.Keys.Context, plan.Parameters.Scale, keys.Keys.RelinKeys, keys.Keys.GaloisKeys);
        var layout = new CohortLayout(dataset.Columns.Count, evaluation.SlotCount);
        var batches = (await metadata.Datasets.ListBatchesAsync(dataset.Id, cancellationToken).ConfigureAwait(false)).ToDictionary(b => b.Id, StringComparer.Ordinal);

        // Binary-counter tree: a partial aggregate of 2^k batches is added only to another of 2^k, so the sum is a
        // balanced tree and at most log2(batches) partial aggregates are held.
        var partials = new List<(int Size, EncryptedAggregate Aggregate)>();
        long records = 0;
        for (var i = 0; i < input.BatchIds.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!batches.TryGetValue(input.BatchIds[i], out var batch))
            {
                throw new JobFailedException($"Batch {input.BatchIds[i]} was deleted while the job ran.");
            }

            byte[] bytes;
            var stream = blobs.OpenRead(batch.Sha256);
            await using (stream.ConfigureAwait(false))
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }

            var aggregate = await Task.Run(
                () =>
                {
                    using var ciphertext = CiphertextInput.Load(bytes, evaluation.Context, plan, $"Batch {batch.Id}");
                    return CohortStatistics.Accumulate(evaluation, layout, ciphertext);
                },
                cancellationToken).ConfigureAwait(false);
            metrics.RecordHomomorphicOperations("statistics-accumulate");
            records += batch.Records;
            var node = (Size: 1, Aggregate: aggregate);
            while (partials.Count > 0 && partials[^1].Size == node.Size)
            {
                node = (node.Size * 2, partials[^1].Aggregate.Add(evaluation, node.Aggregate));
                partials.RemoveAt(partials.Count - 1);
            }

            partials.Add(node);
            await context.ReportProgressAsync((i + 1.0) / (input.BatchIds.Count + 1), $"batch {i + 1} of {input.BatchIds.Count}", CancellationToken.None)
                .ConfigureAwait(false);
        }

        var total = partials[^1].Aggregate;
        for (var i = partials.Count - 2; i >= 0; i--)
        {
            total = partials[i].Aggregate.Add(evaluation, total);
        }

        var finished = await Task.Run(() => CohortStatistics.Finish(evaluation, total), cancellationToken).ConfigureAwait(false);
        metrics.RecordHomomorphicOperations("statistics-finish");
        var names = new List<string> { StatisticsJobInput.SumsResult };
        names.AddRange(Enumerable.Range(0, finished.Count - 1).Select(StatisticsJobInput.ProductsResult));
        for (var i = 0; i < finished.Count; i++)
        {
            await StoreAsync(context, names[i], finished[i], cancellationToken).ConfigureAwait(false);
        }

        return JobOutput.Of(new StatisticsJobOutput(records, input.BatchIds.Count, names, 0));
    }

    private static async Task StoreAsync(JobContext context, string name, Ciphertext ciphertext, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        ciphertext.Save(buffer);
        ciphertext.Dispose();
        buffer.Position = 0;
        await context.AddResultAsync(name, buffer, buffer.Length, cancellationToken).ConfigureAwait(false);
    }
}
