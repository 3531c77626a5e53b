using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Contracts;

namespace HeCompute.Client.Statistics;

/// <summary>Downloads and decrypts the results of a finished statistics job.</summary>
public static class StatisticsResults
{
    /// <summary>Name of the column sums result.</summary>
    public const string Sums = "sums";

    /// <summary>Name of the k-th cross product result.</summary>
    public static string Products(int k) => $"products-{k}";

    /// <summary>
    /// Downloads <c>sums</c> and <c>products-0</c> … <c>products-(m−1)</c> of <paramref name="job"/>, decrypts them
    /// with <paramref name="keys"/> and computes the statistics.
    /// </summary>
    public static async Task<CohortStatisticsResult> DecryptAsync(HeComputeClient client, JobResponse job, DatasetResponse dataset, ClientKeySet keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(keys);
        if (job.State != JobState.Succeeded)
        {
            throw new InvalidOperationException($"Job {job.Id} is {job.State}; only a succeeded job has results.");
        }

        if (!string.Equals(keys.Plan.Parameters.ParmsId, dataset.Plan.Parameters.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlanMismatchException($"Key set {keys.Stored.Id} does not belong to dataset {dataset.Id}'s plan.");
        }

        var m = dataset.Columns.Count;
        var sums = keys.Decrypt(await client.DownloadJobResultAsync(job, Sums, cancellationToken).ConfigureAwait(false));
        var products = new double[m][];
        for (var k = 0; k < m; k++)
        {
            products[k] = keys.Decrypt(await client.DownloadJobResultAsync(job, Products(k), cancellationToken).ConfigureAwait(false));
        }

        return CohortStatisticsResult.FromMoments(dataset.Columns, dataset.Scales, dataset.CountColumn, sums, products);
    }
}
