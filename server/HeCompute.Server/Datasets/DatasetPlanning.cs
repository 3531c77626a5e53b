using HeCompute.Analytics.Planning;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Datasets;

/// <summary>
/// The statistics plan of a dataset. The stored plan document is what clients read; the server re-plans from the
/// stored definition when it computes (the planner is deterministic), to get the layout, finishing and flooding σ
/// behind that document.
/// </summary>
public static class DatasetPlanning
{
    /// <summary>Default bits of precision when a dataset does not ask for any.</summary>
    public const int DefaultPrecisionBits = 20;

    /// <summary>What the planner is asked for a dataset's definition.</summary>
    public static StatisticsPlanRequest Request(DatasetRecord dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new StatisticsPlanRequest(
            dataset.Features, dataset.Lower, dataset.Upper, dataset.Categories, dataset.EncryptedFinish, dataset.MaxRecords,
            dataset.PrecisionBits, dataset.NoiseFlooding);
    }

    /// <summary>The plan behind a stored dataset.</summary>
    /// <exception cref="InvalidOperationException">The planner now chooses other parameters than the stored plan's (a server upgrade changed it).</exception>
    public static StatisticsPlan Rebuild(DatasetRecord dataset, string storedParmsId)
    {
        var plan = StatisticsPlanner.Plan(Request(dataset));
        if (!string.Equals(plan.Document.Parameters.ParmsId, storedParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Dataset {dataset.Id} was planned with parms_id {storedParmsId}, but this server's planner now chooses {plan.Document.Parameters.ParmsId}.");
        }

        return plan;
    }
}
