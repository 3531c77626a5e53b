namespace HeCompute.Server.Datasets;

/// <summary>The stored input of a <c>statistics</c> job.</summary>
/// <param name="DatasetId">The dataset (owned by the job's tenant).</param>
/// <param name="KeySetId">The key set bound when the job was submitted.</param>
/// <param name="BatchIds">The batches to aggregate: those appended before the job was submitted.</param>
public sealed record StatisticsJobInput(string DatasetId, string KeySetId, IReadOnlyList<string> BatchIds)
{
    /// <summary>The job kind.</summary>
    public const string Kind = "statistics";

    /// <summary>Result name of the column sums.</summary>
    public const string SumsResult = "sums";

    /// <summary>Result name of the products at offset <paramref name="k"/>.</summary>
    public static string ProductsResult(int k) => $"products-{k}";
}
