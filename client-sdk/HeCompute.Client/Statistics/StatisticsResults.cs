using System.Text.Json;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Statistics;

/// <summary>Downloads and decrypts the results of a finished statistics job.</summary>
public static class StatisticsResults
{
    /// <summary>
    /// Downloads <c>sums</c>, <c>products-0</c> … <c>products-(m−1)</c>, the <c>group-squares-i</c> when listed, and
    /// <c>mean</c>, <c>variance</c>, <c>stddev</c> when the job finished under encryption; decrypts them with
    /// <paramref name="keys"/> and computes the statistics.
    /// </summary>
    /// <exception cref="InvalidOperationException">The job has not succeeded, or is not a statistics job.</exception>
    /// <exception cref="PlanMismatchException">The keys are not for the dataset's plan.</exception>
    public static async Task<DatasetStatistics> DecryptAsync(HeComputeClient client, JobResponse job, DatasetResponse dataset, ClientKeySet keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(keys);
        if (job.State != JobState.Succeeded)
        {
            throw new InvalidOperationException($"Job {job.Id} is {job.State}; only a succeeded job has results.");
        }

        if (job.Kind != StatisticsProtocol.JobKind || job.Output is not { } outputJson)
        {
            throw new InvalidOperationException($"Job {job.Id} is a {job.Kind} job without a statistics output.");
        }

        if (!string.Equals(keys.Plan.Parameters.ParmsId, dataset.Plan.Parameters.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlanMismatchException($"Key set {keys.Stored.Id} does not belong to dataset {dataset.Id}'s plan.");
        }

        var output = outputJson.Deserialize<StatisticsJobOutput>(HeComputeJson.Options)
            ?? throw new InvalidOperationException($"Job {job.Id} has an empty statistics output.");
        var m = dataset.Columns.Count;
        var sums = await DecryptResultAsync(client, job, keys, StatisticsProtocol.Sums, cancellationToken).ConfigureAwait(false);
        var products = new double[m][];
        for (var k = 0; k < m; k++)
        {
            products[k] = await DecryptResultAsync(client, job, keys, StatisticsProtocol.Products(k), cancellationToken).ConfigureAwait(false);
        }

        var indicators = m - dataset.CountColumn - 1;
        double[][]? groupSquares = null;
        if (indicators > 0 && output.Results.Contains(StatisticsProtocol.GroupSquares(0)))
        {
            groupSquares = new double[indicators][];
            for (var i = 0; i < indicators; i++)
            {
                groupSquares[i] = await DecryptResultAsync(client, job, keys, StatisticsProtocol.GroupSquares(i), cancellationToken).ConfigureAwait(false);
            }
        }

        var statistics = CohortStatisticsResult.FromMoments(dataset.Columns, dataset.Scales, dataset.CountColumn, sums, products, groupSquares);
        EncryptedFinishStatistics? finished = null;
        if (output.Results.Contains(StatisticsProtocol.Mean))
        {
            finished = EncryptedFinishStatistics.FromDecrypted(
                dataset.Columns,
                dataset.Scales,
                dataset.CountColumn,
                await DecryptResultAsync(client, job, keys, StatisticsProtocol.Mean, cancellationToken).ConfigureAwait(false),
                await DecryptResultAsync(client, job, keys, StatisticsProtocol.Variance, cancellationToken).ConfigureAwait(false),
                await DecryptResultAsync(client, job, keys, StatisticsProtocol.StandardDeviation, cancellationToken).ConfigureAwait(false));
        }

        return new DatasetStatistics(dataset.Id, job.Id, output.Records, output.Batches, output.NoiseFloodingBits, statistics, finished);
    }

    private static async Task<double[]> DecryptResultAsync(HeComputeClient client, JobResponse job, ClientKeySet keys, string name, CancellationToken cancellationToken) =>
        keys.Decrypt(await client.DownloadJobResultAsync(job, name, cancellationToken).ConfigureAwait(false));
}
